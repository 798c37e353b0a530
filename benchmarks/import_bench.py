"""Benchmark: generate one municipality-year and import it on SQLite and on PostgreSQL.

Prints rows per table, seconds, rows per second and peak memory of each step, next to the time
polars alone needs to read the same files (the floor).

    .venv/bin/python benchmarks/import_bench.py [--scale municipality] [--pg postgres://...]

Each measured step runs in its own process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import psycopg

from benchmarks._util import PYTHON, python_snippet, run_measured

FLOOR = """
import polars as pl, pathlib, sys
d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else {dir!r})
n = 0
for p in sorted(d.iterdir()):
    if p.suffix == '.csv':
        n += pl.read_csv(p, separator=';', infer_schema=False).height
    elif p.suffix == '.parquet':
        n += pl.read_parquet(p).height
print(n)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="municipality")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-11-23")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    data = work / "data"
    secs, peak, _ = run_measured(
        [
            PYTHON,
            "-m",
            "timbalans.generator",
            str(data),
            "--scale",
            args.scale,
            "--seed",
            str(args.seed),
            "--until",
            args.until,
        ]
    )
    rows = {}
    for p in sorted(data.iterdir()):
        rows[p.stem] = sum(1 for _ in p.open(encoding="utf-8")) - 1 if p.suffix == ".csv" else None
    total = sum(v for v in rows.values() if v)
    print(f"generate {args.scale}: {secs:.1f} s, peak {peak:.0f} MB, {total} rows")
    for table, n in rows.items():
        print(f"  {table:12} {n:>10}")

    secs, peak, out = python_snippet(FLOOR.format(dir=str(data)))
    print(f"polars floor (read all as text): {secs:.2f} s, peak {peak:.0f} MB, {out.strip()} rows")

    targets = [("SQLite", {"TIMBALANS_DATA_DIR": str(work / "sqlite")})]
    if not args.skip_pg:
        name = "timbalans_bench"
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        url = args.pg.rsplit("/", 1)[0] + "/" + name
        targets.append(
            ("PostgreSQL", {"DATABASE_URL": url, "TIMBALANS_DATA_DIR": str(work / "pg")})
        )
    results = {}
    for label, env in targets:
        run_measured([PYTHON, "-m", "timbalans", "migrate", "-v", "0"], env)
        secs, peak, _ = run_measured(
            [PYTHON, "-m", "timbalans", "import", str(data), "--no-progress"], env
        )
        print(f"import on {label}: {secs:.1f} s, {total / secs:,.0f} rows/s, peak {peak:.0f} MB")
        results[label] = {"seconds": round(secs, 2), "peak_mb": round(peak)}
        secs2, peak2, _ = run_measured(
            [PYTHON, "-m", "timbalans", "import", str(data), "--no-progress"], env
        )
        print(f"  same set again (replaces every month): {secs2:.1f} s, peak {peak2:.0f} MB")
    print(json.dumps({"rows": total, **results}))


if __name__ == "__main__":
    main()
