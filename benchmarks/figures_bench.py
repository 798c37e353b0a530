"""Benchmark: the figure tables from files and from the database, next to the polars floor.

    .venv/bin/python -m benchmarks.figures_bench --data DIR [--db-env KEY=VALUE ...]
        [--skip-db] [--skip-files] [--as-of 2026-11-23] [--tables hour-balance,coverage,...]

Each mode runs in its own process and prints: seconds to load the frames (files: read and
validate; database: one query per table), seconds per table, the tables' sum, everything in
the process (load + tables), the process's wall time including Python's start, and its peak
memory (maximum resident set size), and the CPU time of the process (all threads: on a
shared, loaded machine the wall times stretch, the CPU times much less). The floor is the
time polars needs just to read the same files (CSV as text, Parquet as stored), as a process
and in the process (without Python's start and the import of polars), to set beside the
process wall and the time in process of the tables. The tables
of one process share their intermediates (``Frames.derived``), as the pages of the web app
do; the first table pays for what it shares.
"""

from __future__ import annotations

import argparse

from benchmarks._util import python_snippet

TABLES = (
    "hour-balance",
    "coverage",
    "capacity",
    "overtime",
    "absence",
    "absence-employees",
    "fk-check",
    "deviations",
    "absence-cases",
    "limits",
)

RUN = """
import time, datetime, os
t_start = time.perf_counter()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
from timbalans.figures.registry import FigureRequest, figure_function
mode, data, as_of = {mode!r}, {data!r}, datetime.date.fromisoformat({as_of!r})
if mode != "files":
    import django; django.setup()
t0 = time.perf_counter()
if mode == "files":
    from timbalans.figures.frames import frames_from_files
    from timbalans.figures.settings import load_settings
    frames = frames_from_files(data); settings = load_settings()
else:
    from timbalans.records.frames import frames_load
    from timbalans.records.selectors import figure_settings_load
    frames = frames_load(); settings = figure_settings_load()
load = time.perf_counter() - t0
load_cpu = time.process_time()
rows = sum(f.height for f in frames.as_dict().values())
req = FigureRequest.make(as_of, settings=settings)
parts, total = [], 0.0
for name in {tables!r}:
    t = time.perf_counter(); n = figure_function(name)(frames, req).height
    secs = time.perf_counter() - t; total += secs
    parts.append(f"{{name}} {{secs:.2f}} s ({{n}} rows)")
cpu = time.process_time()
print(f"{{rows}} rows; imports {{t0 - t_start:.2f}} s; load {{load:.2f}} s; "
      f"tables {{total:.2f}} s [" + "; ".join(parts) + f"]; in process {{load + total:.2f}} s; "
      f"CPU of the process (both cores) {{cpu:.1f}} s, of which tables {{cpu - load_cpu:.1f}} s")
"""

FLOOR = """
import time, polars as pl, pathlib
t = time.perf_counter()
n = 0
for p in sorted(pathlib.Path({data!r}).iterdir()):
    if p.suffix == '.csv': n += pl.read_csv(p, separator=';', infer_schema=False).height
    elif p.suffix == '.parquet': n += pl.read_parquet(p).height
print(n, f"{{time.perf_counter() - t:.2f}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--db-env", action="append", default=[], help="KEY=VALUE for DB mode")
    parser.add_argument("--skip-db", action="store_true")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--tables", default=",".join(TABLES))
    args = parser.parse_args()
    tables = tuple(t for t in args.tables.split(",") if t)
    secs, peak, out = python_snippet(FLOOR.format(data=args.data))
    rows, inside = out.split()
    print(
        f"polars floor: {secs:.2f} s wall (process), {inside} s in process, "
        f"peak {peak:.0f} MB, {rows} rows"
    )
    modes = ([] if args.skip_files else ["files"]) + ([] if args.skip_db else ["db"])
    env = dict(kv.split("=", 1) for kv in args.db_env)
    for mode in modes:
        code = RUN.format(mode=mode, data=args.data, as_of=args.as_of, tables=tables)
        secs, peak, out = python_snippet(code, env if mode == "db" else None)
        print(f"{mode}: {secs:.2f} s wall (process), peak {peak:.0f} MB; {out.strip()}")


if __name__ == "__main__":
    main()
