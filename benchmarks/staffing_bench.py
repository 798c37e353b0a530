"""Benchmark: staffing proposals, CP-SAT against the greedy priority order.

    .venv/bin/python -m benchmarks.staffing_bench [--dir DIR] [--as-of 2026-11-23]
        [--cases department,christmas,municipality] [--time-limit S ...]

Generates (once, into ``--dir``) the demo department and a municipality with
``timbalans generate-data --seed 1 --until D``, then for each case prints: the open shifts in
the horizon (unassigned / an absent employee's), candidates and the pairs the model
considers; seconds to read the files, to build the instance, for greedy and for CP-SAT
(model building included); both proposals' marginal cost and shifts given to staff new to the
client; the saving against greedy in SEK and percent; CP-SAT's status, proven bound and
optimality gap; and the checker's breaches of both proposals (0 expected).

The cases (horizon after D = 2026-11-23):
  department    the demo department's next 14 days (target: ≤ 10 s to a gap ≤ 1 %);
  christmas     the department 21 Dec–3 Jan, planning ahead: vacations open many shifts;
  municipality  a municipality (4 departments, 40 units)'s next 14 days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "department": ("department", "2026-11-24", "2026-12-07", 10.0),
    "christmas": ("department", "2026-12-21", "2027-01-03", 30.0),
    "municipality": ("municipality", "2026-11-24", "2026-12-07", 60.0),
}


def ensure_data(root: Path, scale: str, as_of: dt.date) -> Path:
    out = root / f"{scale}-seed1-{as_of.isoformat()}"
    if not (out / "shifts.csv").exists() and not (out / "shifts.parquet").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "timbalans",
                "generate-data",
                str(out),
                "--scale",
                scale,
                "--seed",
                "1",
                "--until",
                as_of.isoformat(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def run_case(name: str, data: Path, as_of: dt.date, first: str, last: str, limit: float) -> dict:
    from timbalans.figures.frames import frames_from_files
    from timbalans.figures.settings import load_settings
    from timbalans.staffing.candidates import instance_from_frames
    from timbalans.staffing.greedy import solve_greedy
    from timbalans.staffing.instance import Config
    from timbalans.staffing.model import eligible_pairs, solve_cpsat
    from timbalans.staffing.prepared import Prepared
    from timbalans.staffing.validation import validate_solution

    config = Config(time_limit_s=limit)
    t = time.perf_counter()
    frames = frames_from_files(data)
    read = time.perf_counter() - t
    t = time.perf_counter()
    instance = instance_from_frames(
        frames,
        as_of=as_of,
        settings=load_settings(),
        config=config,
        first=dt.date.fromisoformat(first),
        last=dt.date.fromisoformat(last),
    )
    build = time.perf_counter() - t
    p = Prepared(instance, config)
    greedy = solve_greedy(p)
    keep = {
        (p.candidate_index[a.employee_id], p.shift_index[a.shift_id]) for a in greedy.assignments
    }
    pairs = len(eligible_pairs(p, keep=keep))
    best = solve_cpsat(p, hint=greedy)
    saving = greedy.cost_sek - best.cost_sek
    reasons = [s.reason for s in instance.shifts]
    return {
        "case": name,
        "horizon": f"{first}..{last}",
        "open_shifts": len(instance.shifts),
        "unassigned": reasons.count("unassigned"),
        "absent_employee": reasons.count("absent_employee"),
        "candidates": len(instance.candidates),
        "pairs": pairs,
        "read_s": round(read, 2),
        "instance_s": round(build, 2),
        "greedy_s": round(greedy.seconds, 2),
        "cpsat_s": round(best.seconds, 2),
        "time_limit_s": limit,
        "greedy_cost_sek": round(greedy.cost_sek, 2),
        "cpsat_cost_sek": round(best.cost_sek, 2),
        "saving_sek": round(saving, 2),
        "saving_pct": round(100 * saving / greedy.cost_sek, 2) if greedy.cost_sek else None,
        "objective_saving_sek": round(greedy.objective_sek - best.objective_sek, 2),
        "objective_saving_pct": round(
            100 * (greedy.objective_sek - best.objective_sek) / greedy.objective_sek, 2
        )
        if greedy.objective_sek
        else None,
        "greedy_new_to_client": sum(a.new_to_client for a in greedy.assignments),
        "cpsat_new_to_client": sum(a.new_to_client for a in best.assignments),
        "greedy_objective_sek": round(greedy.objective_sek, 2),
        "cpsat_objective_sek": round(best.objective_sek, 2),
        "bound_sek": None if best.bound_sek is None else round(best.bound_sek, 2),
        "gap_pct": None if best.gap is None else round(100 * best.gap, 2),
        "status": best.status,
        "unfilled": [len(greedy.unfilled), len(best.unfilled)],
        "breaches": [
            len(validate_solution(instance, config, greedy)),
            len(validate_solution(instance, config, best)),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="where the generated data sets are kept")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--time-limit", type=float, help="seconds, instead of each case's own")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    root = args.dir or Path(tempfile.gettempdir()) / "timbalans-staffing-bench"
    root.mkdir(parents=True, exist_ok=True)
    for name in args.cases.split(","):
        scale, first, last, limit = CASES[name]
        data = ensure_data(root, scale, as_of)
        result = run_case(name, data, as_of, first, last, args.time_limit or limit)
        print(
            f"{name}: {result['open_shifts']} open shifts ({result['unassigned']} unassigned, "
            f"{result['absent_employee']} of absent staff) in {result['horizon']}, "
            f"{result['candidates']} candidates, {result['pairs']} pairs; "
            f"read {result['read_s']} s, instance {result['instance_s']} s, "
            f"greedy {result['greedy_s']} s, CP-SAT {result['cpsat_s']} s "
            f"(limit {result['time_limit_s']} s)"
        )
        gap = "-" if result["gap_pct"] is None else f"{result['gap_pct']} %"
        print(
            f"  cost: greedy {result['greedy_cost_sek']:,.0f} SEK, CP-SAT "
            f"{result['cpsat_cost_sek']:,.0f} SEK, saving {result['saving_sek']:,.0f} SEK "
            f"({result['saving_pct']} %); new to the client {result['greedy_new_to_client']} / "
            f"{result['cpsat_new_to_client']}; objective (cost + penalties) greedy "
            f"{result['greedy_objective_sek']:,.0f}, CP-SAT {result['cpsat_objective_sek']:,.0f}, "
            f"saving {result['objective_saving_sek']:,.0f} SEK "
            f"({result['objective_saving_pct']} %); "
            f"status {result['status']}, gap {gap}, "
            f"bound {result['bound_sek']}; breaches {result['breaches']}"
        )
        print("  " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
