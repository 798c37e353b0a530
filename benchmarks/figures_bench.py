"""Benchmark: the figure tables from files and from the database, next to the polars floor.

    .venv/bin/python -m benchmarks.figures_bench --data DIR [--db-env KEY=VALUE ...]
        [--skip-db] [--skip-files] [--as-of 2026-11-23] [--tables hour-balance,coverage,...]
        [--data-dir DIR]

Each mode runs in its own process and prints: seconds to load the frames (files: the first
time read and validate, and store the validated, typed copy; then read that copy, after the
files' checksums say it is theirs; database: one query per table), seconds per table, the
tables' sum, everything in the process (load + tables), the process's wall time including
Python's start, and its peak memory (maximum resident set size), and the CPU time of the
process (all threads: on a shared, loaded machine the wall times stretch, the CPU times much
less); after each table, the peak so far, so that the table which raised it is seen.
Both modes import the tables' modules (the registry imports a figure's module when it is
first asked for), and database mode the reader's drivers (``frames_prepare``: PostgreSQL's
ADBC and pyarrow), before the clock starts, as a server process does when it starts
(``serve.worker_prepare``): the load and the tables are measured as a started server's first
load of a data version would be; the imports are in the line's ``imports``. The
floor is the time polars needs just to read the same files (CSV as text, Parquet as stored),
as a process and in the process (without Python's start and the import of
polars), to set beside the process wall and the time in process of the tables; each time in
process is also given as a multiple of the floor's (wall, and CPU).

Files mode runs twice in a data directory of its own (a new, empty one unless ``--data-dir``
is given): the first load, and the load of the typed copy. The tables of one process share
their intermediates (``Frames.derived``), as the pages of the web app do; the first table
pays for what it shares.
"""

from __future__ import annotations

import argparse
import tempfile

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
import time, datetime, os, resource
t_start = time.perf_counter()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
from timbalans.figures.registry import FigureRequest, figure_function
mode, data, as_of = {mode!r}, {data!r}, datetime.date.fromisoformat({as_of!r})
for name in {tables!r}:
    figure_function(name)  # as a server process does when it starts: not in the tables' time
if mode != "files":
    import django; django.setup()
    from timbalans.records.frames import frames_prepare
    frames_prepare()  # as a server process does when it starts: not in the load's time
t0, cpu0 = time.perf_counter(), time.process_time()
if mode == "files":
    from timbalans.figures.files_cache import cache_root
    from timbalans.figures.frames import frames_from_files
    from timbalans.figures.settings import load_settings
    entries = lambda: set(cache_root().iterdir()) if cache_root().is_dir() else set()
    before = entries()
    frames = frames_from_files(data); settings = load_settings()
    how = "read, validated and stored" if entries() - before else "typed copy"
else:
    from timbalans.records.frames import frames_load
    from timbalans.records.selectors import figure_settings_load
    frames = frames_load(); settings = figure_settings_load(); how = "database"
load = time.perf_counter() - t0
drivers = "" if mode == "files" else " and the reader's drivers"
prepared = f" (and the tables' modules{{drivers}}, as a server at its start)"
load_cpu = time.process_time()
rows = sum(f.height for f in frames.as_dict().values())
req = FigureRequest.make(as_of, settings=settings)
parts, total = [], 0.0
for name in {tables!r}:
    t = time.perf_counter(); n = figure_function(name)(frames, req).height
    secs = time.perf_counter() - t; total += secs
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parts.append(f"{{name}} {{secs:.2f}} s ({{n}} rows, peak so far {{peak:.0f}} MB)")
cpu = time.process_time()
floor, floor_cpu = {floor}, {floor_cpu}
print(f"{{rows}} rows; imports {{t0 - t_start:.2f}} s{{prepared}}; load ({{how}}) {{load:.2f}} s "
      f"({{load / floor:.1f}}x floor); tables {{total:.2f}} s [" + "; ".join(parts) + "]; "
      f"in process {{load + total:.2f}} s ({{(load + total) / floor:.1f}}x floor); "
      f"CPU of the process (both cores) {{cpu:.1f}} s, of which tables {{cpu - load_cpu:.1f}} s, "
      f"load and tables {{cpu - cpu0:.2f}} s ({{(cpu - cpu0) / floor_cpu:.1f}}x the floor's CPU)")
"""

FLOOR = """
import time, polars as pl, pathlib
t, c = time.perf_counter(), time.process_time()
n = 0
for p in sorted(pathlib.Path({data!r}).iterdir()):
    if p.suffix == '.csv': n += pl.read_csv(p, separator=';', infer_schema=False).height
    elif p.suffix == '.parquet': n += pl.read_parquet(p).height
print(n, f"{{time.perf_counter() - t:.2f}}", f"{{time.process_time() - c:.2f}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--db-env", action="append", default=[], help="KEY=VALUE for DB mode")
    parser.add_argument("--skip-db", action="store_true")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument(
        "--data-dir", help="data directory of the files mode's typed copies (default: a new one)"
    )
    args = parser.parse_args()
    tables = tuple(t for t in args.tables.split(",") if t)
    secs, peak, out = python_snippet(FLOOR.format(data=args.data))
    rows, inside, floor_cpu = out.split()
    print(
        f"polars floor: {secs:.2f} s wall (process), {inside} s in process, "
        f"peak {peak:.0f} MB, {rows} rows, CPU in process {floor_cpu} s"
    )
    env = dict(kv.split("=", 1) for kv in args.db_env)
    with tempfile.TemporaryDirectory(prefix="figures-bench-") as tmp:
        files_env = {"TIMBALANS_DATA_DIR": args.data_dir or tmp}
        runs = [] if args.skip_files else [("files", files_env)] * 2
        runs += [] if args.skip_db else [("db", env)]
        for mode, mode_env in runs:
            code = RUN.format(
                mode=mode,
                data=args.data,
                as_of=args.as_of,
                tables=tables,
                floor=float(inside),
                floor_cpu=float(floor_cpu),
            )
            secs, peak, out = python_snippet(code, mode_env)
            print(f"{mode}: {secs:.2f} s wall (process), peak {peak:.0f} MB; {out.strip()}")


if __name__ == "__main__":
    main()
