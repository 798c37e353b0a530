"""Benchmark: case-economics and savings for a year, from the database and from files; OB.

    .venv/bin/python -m benchmarks.economics_bench --data DIR [--as-of 2026-11-23]
        [--db-env TIMBALANS_DATA_DIR=...] [--db-env DATABASE_URL=...] [--skip-db]
        [--skip-files] [--skip-ob]

DIR is a canonical data set (``timbalans generate-data DIR --scale municipality``); the
database must hold the same set (``timbalans import DIR``). case-economics runs for the 12
months ending with D's month, savings for D (it computes case-economics, hour-balance,
coverage, overtime and absence for the same months itself). Each mode runs in its own process
and prints its process wall time (Python's start, imports and, for the database, Django's
set-up included) and peak memory, then the set-up, the load (frames and settings with the
rates), each table and the time in process (load + both tables), as a page of the running
web app pays it on a cold cache. OB categorisation is timed on the worked rows alone, in
rows per second, next to the polars floor: reading and parsing the same rows.
"""

from __future__ import annotations

import argparse

from benchmarks._util import python_snippet

RUN = """
import time, datetime, os
t_start = time.perf_counter()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
from timbalans.figures.registry import FigureRequest
from timbalans.figures.case_economics import case_economics
from timbalans.figures.savings import savings, window_request
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
req = FigureRequest.make(as_of, settings=settings)
t, c = time.perf_counter(), time.process_time()
n = case_economics(frames, window_request(req)).height
ce, ce_cpu = time.perf_counter() - t, time.process_time() - c
t, c = time.perf_counter(), time.process_time()
savings(frames, req)
sv, sv_cpu = time.perf_counter() - t, time.process_time() - c
# CPU seconds (all threads) next to wall time: on a shared machine wall time includes waiting.
print(f"imports and set-up {{t0 - t_start:.2f}} s; load {{load:.2f}} s; "
      f"case-economics (12 months) {{ce:.2f}} s (cpu {{ce_cpu:.2f}} s), "
      f"{{n}} rows; savings {{sv:.2f}} s (cpu {{sv_cpu:.2f}} s); "
      f"in process (load + both) {{load + ce + sv:.2f}} s; worked rows {{frames.worked.height}}")
"""

OB = """
import time, pathlib, polars as pl
from timbalans.core.ob import ob_split
from timbalans.core.rates import default_rates
path = pathlib.Path({data!r})
def read():
    if (path / "worked.parquet").exists():
        raw = pl.read_parquet(path / "worked.parquet")
    else:
        raw = pl.read_csv(path / "worked.csv", separator=";", infer_schema=False)
    return raw.with_columns(
        pl.col("start", "end").cast(pl.String).str.to_datetime("%Y-%m-%d %H:%M", time_unit="us")
        .dt.replace_time_zone("Europe/Stockholm", ambiguous="earliest"),
        pl.col("break_minutes").cast(pl.Int64),
    )
t = time.perf_counter(); worked = read(); floor = time.perf_counter() - t
windows = default_rates().ob_windows
best = None
for _ in range(3):
    t = time.perf_counter(); pieces = ob_split(worked, windows); s = time.perf_counter() - t
    best = s if best is None else min(best, s)
n = worked.height
print(f"polars floor (read + parse {{n}} worked rows): {{floor:.2f}} s = "
      f"{{n / floor:,.0f}} rows/s; OB categorisation: {{best:.2f}} s = "
      f"{{n / best:,.0f}} rows/s ({{pieces.height}} pieces)")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--db-env", action="append", default=[], help="KEY=VALUE for DB mode")
    parser.add_argument("--skip-db", action="store_true")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--skip-ob", action="store_true")
    args = parser.parse_args()
    if not args.skip_ob:
        secs, peak, out = python_snippet(OB.format(data=args.data))
        print(f"OB: {out.strip()} (peak {peak:.0f} MB)")
    modes = ([] if args.skip_files else ["files"]) + ([] if args.skip_db else ["db"])
    env = dict(kv.split("=", 1) for kv in args.db_env)
    for mode in modes:
        code = RUN.format(mode=mode, data=args.data, as_of=args.as_of)
        secs, peak, out = python_snippet(code, env if mode == "db" else None)
        print(f"{mode}: {secs:.2f} s total, peak {peak:.0f} MB — {out.strip()}")


if __name__ == "__main__":
    main()
