"""Benchmark: the staffing-backtest table for the 12 months ending D, from files.

    .venv/bin/python -m benchmarks.backtest_bench --data DIR [--as-of 2026-11-30]

DIR is a canonical data set (``timbalans generate-data DIR --scale municipality``). Runs in
its own process and prints the process wall time and peak memory, the load, the table's time
(wall and CPU), its rows and the bought and refilled hours.
"""

from __future__ import annotations

import argparse

from benchmarks._util import python_snippet

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
    parser.add_argument("--data", required=True)
    parser.add_argument("--as-of", default="2026-11-30")
    args = parser.parse_args()
    secs, peak, out = python_snippet(RUN.format(data=args.data, as_of=args.as_of))
    print(f"files: {secs:.2f} s total, peak {peak:.0f} MB — {out.strip()}")


if __name__ == "__main__":
    main()
