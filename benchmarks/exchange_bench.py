"""Benchmark: import a municipality-year written in the exchange formats (time and absences as
PAXml, the ledger as SIE 4, the rest canonical) next to the canonical import of the same data,
on SQLite and on PostgreSQL; target: at most 1.5 x the canonical time.

Prints, per database and form: the import into an empty database (seconds, rows per second,
peak memory, CPU of the process and of its PostgreSQL backend, and the read / validate /
write phases) and the ratio of the exchange import to the canonical one.

    .venv/bin/python -m benchmarks.exchange_bench [--data DIR] [--pg URL] [--skip-pg]
        [--skip-sqlite]

``--data`` is a canonical set (as ``timbalans generate-data`` writes it); without it the
municipality scale is generated. The exchange form is written beside it by
``timbalans.generator.exchange.write_exchange``. Each import runs in its own process through
``benchmarks.import_bench --child import`` (the same measured step as the canonical
benchmark), each into a database of its own, created afresh.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._util import PYTHON, run_measured
from benchmarks.import_bench import _generate, _print_step, _rows, _step

TARGET_RATIO = 1.5
FORMS = ("canonical", "exchange")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="municipality")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-11-23")
    parser.add_argument("--data", type=Path, default=None, help="a canonical set; else generate")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-name", default="timbalans_xbench")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tb-xbench-"))
    canonical = args.data
    if canonical is None:
        canonical = work / "canonical"
        secs, peak = _generate(args.scale, args.seed, args.until, canonical)
        print(f"generate {args.scale}: {secs:.1f} s, peak {peak:.0f} MB")
    exchange = work / "exchange"
    shutil.copytree(canonical, exchange)
    from timbalans.generator.exchange import write_exchange

    t0 = time.perf_counter()
    written = write_exchange(exchange)
    print(f"exchange files written in {time.perf_counter() - t0:.1f} s: {written}")
    sizes = {p.name: p.stat().st_size for p in exchange.iterdir() if p.name in written}
    print("  sizes: " + ", ".join(f"{n} {s / 1e6:.1f} MB" for n, s in sizes.items()))
    rows = _rows(canonical)
    total = sum(rows.values())
    print(f"data set {canonical}: {total:,} rows")

    targets: list[tuple[str, dict[str, dict[str, str]]]] = []
    if not args.skip_sqlite:
        targets.append(
            ("SQLite", {f: {"TIMBALANS_DATA_DIR": str(work / f"sqlite-{f}")} for f in FORMS})
        )
    if not args.skip_pg:
        import psycopg

        envs = {}
        with psycopg.connect(args.pg, autocommit=True) as conn:
            for form in FORMS:
                name = f"{args.pg_name}_{form}"
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
                envs[form] = {
                    "DATABASE_URL": args.pg.rsplit("/", 1)[0] + "/" + name,
                    "TIMBALANS_DATA_DIR": str(work / f"pg-{form}"),
                }
        targets.append(("PostgreSQL", envs))

    results: dict[str, Any] = {"rows": rows, "exchange_files": sizes}
    for label, envs in targets:
        print(f"{label}:")
        seconds: dict[str, float] = {}
        for form, folder in (("canonical", canonical), ("exchange", exchange)):
            run_measured([PYTHON, "-m", "timbalans", "migrate", "-v", "0"], envs[form])
            result = _step("import", folder, envs[form])
            _print_step(f"import {form} into an empty database", result, total)
            seconds[form] = result["seconds"]
            results.setdefault(label, {})[form] = {
                "seconds": round(result["seconds"], 2),
                "peak_mb": round(result["peak_mb"]),
                "cpu_client": round(result["cpu_client"], 1),
                "cpu_server": round(result["cpu_server"], 1),
                "phases": {k: [round(w, 2), round(c, 2)] for k, (w, c) in result["phases"].items()},
            }
        ratio = seconds["exchange"] / seconds["canonical"]
        results[label]["ratio"] = round(ratio, 2)
        print(f"  exchange / canonical: {ratio:.2f} x (target <= {TARGET_RATIO})")
    print(json.dumps(results))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
