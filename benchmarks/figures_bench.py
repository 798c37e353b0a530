"""Benchmark: all figure tables from the database and from files, next to the polars floor.

    .venv/bin/python -m benchmarks.figures_bench --data DIR [--db-env TIMBALANS_DATA_DIR=...]
        [--as-of 2026-11-23]

Prints seconds and peak memory of each mode in its own process. The floor is the time polars
needs just to read the same files.
"""

from __future__ import annotations

import argparse

from benchmarks._util import python_snippet

FIGURES = ("hour-balance", "coverage", "capacity", "overtime", "absence", "absence-employees")

RUN = """
import time, datetime, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
from timbalans.figures.registry import FigureRequest, figure_functions
mode, data, as_of = {mode!r}, {data!r}, datetime.date.fromisoformat({as_of!r})
t0 = time.perf_counter()
if mode == "files":
    from timbalans.figures.frames import frames_from_files
    from timbalans.figures.settings import load_settings
    frames = frames_from_files(data); settings = load_settings()
else:
    import django; django.setup()
    from timbalans.records.selectors import figure_settings_load, frames_load
    frames = frames_load(); settings = figure_settings_load()
load = time.perf_counter() - t0
req = FigureRequest.make(as_of, settings=settings)
parts = []
for name, fn in figure_functions().items():
    t = time.perf_counter(); n = fn(frames, req).height
    parts.append(f"{{name}} {{time.perf_counter() - t:.2f}}s/{{n}} rows")
print(f"load {{load:.2f}}s; " + "; ".join(parts))
"""

FLOOR = """
import polars as pl, pathlib
n = 0
for p in sorted(pathlib.Path({data!r}).iterdir()):
    if p.suffix == '.csv': n += pl.read_csv(p, separator=';', infer_schema=False).height
    elif p.suffix == '.parquet': n += pl.read_parquet(p).height
print(n)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--db-env", action="append", default=[], help="KEY=VALUE for DB mode")
    parser.add_argument("--skip-db", action="store_true")
    args = parser.parse_args()
    secs, peak, out = python_snippet(FLOOR.format(data=args.data))
    print(f"polars floor: {secs:.2f} s, peak {peak:.0f} MB, {out.strip()} rows")
    modes = ["files"] if args.skip_db else ["files", "db"]
    env = dict(kv.split("=", 1) for kv in args.db_env)
    for mode in modes:
        code = RUN.format(mode=mode, data=args.data, as_of=args.as_of)
        secs, peak, out = python_snippet(code, env if mode == "db" else None)
        print(f"{mode}: {secs:.2f} s total, peak {peak:.0f} MB — {out.strip()}")


if __name__ == "__main__":
    main()
