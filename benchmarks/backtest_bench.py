"""Benchmark: the staffing-backtest table for the 12 months ending D, from files.

    .venv/bin/python -m benchmarks.backtest_bench --data DIR [--as-of 2026-11-30]
    .venv/bin/python -m benchmarks.backtest_bench --scale municipality [--as-of 2026-11-30]

DIR is a canonical data set; with ``--scale`` one is generated first into a temporary folder
(``timbalans generate-data DIR --scale SCALE --seed 1 --until D+7``, not timed). Runs in its
own process and prints the process wall time and peak memory, the load, the table's time
(wall and CPU: on a shared machine the CPU time is the one that does not move with the load),
its rows, the bought and refilled hours and the saving.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
from pathlib import Path

from benchmarks._util import PYTHON, ROOT, python_snippet

RUN = """
import time, datetime
from timbalans.figures.frames import frames_from_files
from timbalans.figures.registry import FigureRequest
from timbalans.figures.settings import load_settings
from timbalans.figures.backtest import staffing_backtest
t0 = time.perf_counter()
frames = frames_from_files({data!r}); settings = load_settings()
load = time.perf_counter() - t0
req = FigureRequest.make(datetime.date.fromisoformat({as_of!r}), settings=settings)
t, c = time.perf_counter(), time.process_time()
out = staffing_backtest(frames, req)
secs, cpu = time.perf_counter() - t, time.process_time() - c
print(f"load {{load:.2f}} s; staffing-backtest (12 months) {{secs:.2f}} s (cpu {{cpu:.2f}} s), "
      f"{{out.height}} rows; bought {{out['bought_hours'].sum():.0f}} h, tier 1 "
      f"{{out['tier1_hours'].sum():.0f}} h, tier 2 {{out['tier2_hours'].sum():.0f}} h, "
      f"saving {{out['saving_sek'].sum():.0f}} kr")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="a canonical data set")
    source.add_argument("--scale", choices=["department", "municipality"])
    parser.add_argument("--as-of", default="2026-11-30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = str(Path(tmp) / args.scale)
            until = dt.date.fromisoformat(args.as_of) + dt.timedelta(days=7)
            generate = ["generate-data", data, "--scale", args.scale, "--seed", "1"]
            subprocess.run(
                [PYTHON, "-m", "timbalans", *generate, "--until", until.isoformat()],
                check=True,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
        secs, peak, out = python_snippet(RUN.format(data=data, as_of=args.as_of))
    print(f"files: {secs:.2f} s total, peak {peak:.0f} MB — {out.strip()}")


if __name__ == "__main__":
    main()
