"""Benchmark: generate one municipality-year and import it on SQLite and on PostgreSQL.

Prints, per database: the import of the set into an empty database, the same set again (it
replaces every month of every unit), the undo of that second import and then of the first
(which deletes every row), each with seconds, rows per second, peak memory, CPU seconds of
the process and of its PostgreSQL backend, and wall/CPU seconds per phase (read, validate,
each table's upsert / replace / insert, index builds, foreign-key checks, commit; for undo,
its SQL statements); next to the time polars alone needs to read the same files (the floor)
and the rows per table.

    .venv/bin/python -m benchmarks.import_bench [--scale municipality] [--data DIR]
        [--pg postgres://postgres@127.0.0.1:5432/postgres] [--skip-pg] [--skip-sqlite]
        [--first-only] [--rounds N]

``--first-only`` measures the import into an empty database alone (the target's step; a
national set's re-import and undos take an hour on a small machine). ``--rounds N`` (with
``--first-only``) measures it N times, each into a database made afresh, and prints the
median and the range: one run on a shared machine says little.

Each measured step runs in its own process (``--child``), so its peak memory is its own and the
time includes starting Python and Django, as ``timbalans import`` does. The PostgreSQL database
``timbalans_bench`` is dropped and created afresh on the server of ``--pg``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks._util import PYTHON, python_snippet, run_measured

FLOOR = """
import polars as pl, pathlib, sys
d = pathlib.Path({dir!r})
n = 0
for p in sorted(d.iterdir()):
    if p.suffix == '.csv':
        n += pl.read_csv(p, separator=';', infer_schema=False).height
    elif p.suffix == '.parquet':
        n += pl.read_parquet(p).height
print(n)
"""
# Issue 17's targets for the import of a municipality-year into an empty database.
TARGET_SECONDS = {"SQLite": 5.0, "PostgreSQL": 8.0}


# ---------------------------------------------------------------- child: one measured step


def _child(step: str, data: str) -> None:
    """Run one step in this process with every phase timed; print JSON.

    A phase's time is [wall seconds, CPU seconds of this process and of its PostgreSQL
    backend]; the import's phases are its service functions, the undo's its SQL statements.
    """
    started = time.perf_counter()
    from timbalans.cli import django_setup

    django_setup()  # as ``timbalans import`` starts
    from django.db import connection

    from timbalans.records import services

    def clock() -> tuple[float, float]:
        cpu = _cpu_seconds("self")
        raw = connection.connection
        if connection.vendor == "postgresql" and raw is not None:
            cpu += _cpu_seconds(str(raw.info.backend_pid))
        return time.perf_counter(), cpu

    phases: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def add(key: str, since: tuple[float, float]) -> None:
        now = clock()
        phases[key][0] += now[0] - since[0]
        phases[key][1] += now[1] - since[1]

    phases["start"] = [time.perf_counter() - started, _cpu_seconds("self")]

    def timed(name: str, fn: Any, label: Any = None) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                add(name if label is None else f"{name} {label(*args, **kwargs)}", t0)

        return wrapper

    def table_of(*args: Any, **kwargs: Any) -> str:
        return str(args[1])

    services.read_dataset = timed("read", services.read_dataset)
    services.known_references = timed("validate", services.known_references)
    services.validate = timed("validate", services.validate)
    for name in ("_upsert", "_replace_scope", "_insert_time_rows"):
        setattr(
            services, name, timed(name.strip("_").split("_")[0], getattr(services, name), table_of)
        )

    def by_statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            words = sql.replace('"', "").split()
            table = next((w for w in words if w.startswith("records_")), "")
            add(f"{words[0].lower()} {table.removeprefix('records_')}".strip(), t0)

    def ddl_only(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """Index builds, the foreign-key checks run before them and the keys added again
        (PostgreSQL), outside the wrapped functions of the import."""
        t0 = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            if sql.startswith(("DROP INDEX", "CREATE INDEX", "SET CONSTRAINTS ALL IMMEDIATE")):
                add("fk checks" if sql.startswith("SET") else "indexes", t0)
            elif sql.startswith("ALTER TABLE"):  # foreign keys dropped and added again
                add("fk checks", t0)

    replaced = 0
    if step.startswith("undo"):
        from timbalans.records.models import ImportBatch

        number = (
            ImportBatch.objects.filter(status="applied")
            .order_by("-pk")
            .values_list("pk", flat=True)[0]
        )
        with connection.execute_wrapper(by_statement):
            services.import_batch_undo(number=number)
    else:
        dataset = services.import_dataset_validate(source=Path(data))
        if not dataset.ok:
            raise SystemExit(f"rejected: {dataset.problems[:5]}")
        inner = [sum(v[i] for v in phases.values()) for i in (0, 1)]
        t1 = clock()
        with connection.execute_wrapper(ddl_only):
            batch = services.import_batch_apply(dataset=dataset, source=data)
        add("commit and rest", t1)
        # what the wrapped phases inside the apply took is not "rest"
        for i in (0, 1):
            inside = sum(v[i] for v in phases.values()) - inner[i] - phases["commit and rest"][i]
            phases["commit and rest"][i] -= inside
        replaced = sum(batch.replaced.values())
    cpu_server = 0.0
    if connection.vendor == "postgresql" and connection.connection is not None:
        cpu_server = _cpu_seconds(str(connection.connection.info.backend_pid))
    out = {
        "phases": phases,
        "cpu_client": _cpu_seconds("self"),
        "cpu_server": cpu_server,
        "replaced": replaced,
    }
    print(json.dumps(out))


def _cpu_seconds(pid: str) -> float:
    """User + system CPU seconds of a process so far (Linux /proc), threads included.

    On a shared machine, wall time moves with the load; the CPU time of the client and of its
    PostgreSQL backend does not, so the two together tell whether a change made the work
    smaller.
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- parent


def _generate(scale: str, seed: int, until: str, out: Path) -> tuple[float, float]:
    args = ["-m", "timbalans.generator", str(out), "--scale", scale, "--seed", str(seed)]
    secs, peak, _ = run_measured([PYTHON, *args, "--until", until])
    return secs, peak


def _rows(data: Path) -> dict[str, int]:
    import polars as pl

    rows: dict[str, int] = {}
    for p in sorted(data.iterdir()):
        if p.suffix == ".csv":
            rows[p.stem] = sum(1 for _ in p.open(encoding="utf-8")) - 1
        elif p.suffix == ".parquet":
            rows[p.stem] = pl.scan_parquet(p).select(pl.len()).collect().item()
    return rows


def _step(step: str, data: Path, env: dict[str, str]) -> dict[str, Any]:
    secs, peak, out = run_measured(
        [PYTHON, "-m", "benchmarks.import_bench", "--child", step, "--data", str(data)], env
    )
    return {"seconds": secs, "peak_mb": peak, **json.loads(out.strip().splitlines()[-1])}


def _print_step(label: str, result: dict[str, Any], total: int, target: str = "") -> None:
    secs = result["seconds"]
    cpu = f"cpu {result['cpu_client']:.1f} s"
    if result["cpu_server"]:
        cpu += f" + server {result['cpu_server']:.1f} s"
    print(
        f"  {label:34} {secs:6.1f} s  {total / secs:>9,.0f} rows/s  "
        f"peak {result['peak_mb']:5.0f} MB  {cpu}  {target}"
    )
    shown = [f"{k} {w:.1f}/{c:.1f}" for k, (w, c) in result["phases"].items() if w >= 0.05]
    print("      wall/cpu s: " + "  ".join(shown))


def _summary(result: dict[str, Any], total: int) -> dict[str, Any]:
    return {
        "seconds": round(result["seconds"], 2),
        "rows_per_s": round(total / result["seconds"]),
        "peak_mb": round(result["peak_mb"]),
        "cpu_client": round(result["cpu_client"], 1),
        "cpu_server": round(result["cpu_server"], 1),
        "phases": {k: [round(w, 2), round(c, 2)] for k, (w, c) in result["phases"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="municipality")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-11-23")
    parser.add_argument("--data", type=Path, default=None, help="use this set, don't generate")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-name", default="timbalans_bench")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--first-only", action="store_true", help="only the first import")
    parser.add_argument("--rounds", type=int, default=1, help="first imports, each afresh")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, str(args.data))
        return

    work = Path(tempfile.mkdtemp(prefix="tb-bench-"))
    try:
        _run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # its databases: 120 MB at 762k rows


def _database_afresh(args: argparse.Namespace, env: dict[str, str]) -> None:
    """An empty, migrated database for ``env``: SQLite's directory or PostgreSQL's database
    ``--pg-name`` made anew."""
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.pg_name}")
            conn.execute(f"CREATE DATABASE {args.pg_name}")
    shutil.rmtree(env["TIMBALANS_DATA_DIR"], ignore_errors=True)
    run_measured([PYTHON, "-m", "timbalans", "migrate", "-v", "0"], env)


def _run(args: argparse.Namespace, work: Path) -> None:
    data = args.data
    if data is None:
        data = work / "data"
        secs, peak = _generate(args.scale, args.seed, args.until, data)
        print(f"generate {args.scale}: {secs:.1f} s, peak {peak:.0f} MB")
    rows = _rows(data)
    total = sum(rows.values())
    print(f"data set {data}: {total:,} rows")
    for table, n in rows.items():
        print(f"  {table:12} {n:>10,}")

    secs, peak, out = python_snippet(FLOOR.format(dir=str(data)))
    print(
        f"polars floor (read every file as text): {secs:.2f} s, {total / secs:,.0f} rows/s, "
        f"peak {peak:.0f} MB, {int(out.strip()):,} rows"
    )

    targets: list[tuple[str, dict[str, str]]] = []
    if not args.skip_sqlite:
        targets.append(("SQLite", {"TIMBALANS_DATA_DIR": str(work / "sqlite")}))
    if not args.skip_pg:
        url = args.pg.rsplit("/", 1)[0] + "/" + args.pg_name
        targets.append(
            ("PostgreSQL", {"DATABASE_URL": url, "TIMBALANS_DATA_DIR": str(work / "pg")})
        )
    results: dict[str, Any] = {"rows": rows}
    for label, env in targets:
        print(f"{label}:")
        target = f"(target <= {TARGET_SECONDS[label]:.0f} s)"
        firsts = []
        for _ in range(args.rounds if args.first_only else 1):
            _database_afresh(args, env)
            firsts.append(_step("import", data, env))
            _print_step("import into an empty database", firsts[-1], total, target)
        first = firsts[0]
        if args.first_only:
            results[label] = {"import": _summary(first, total)}
            if len(firsts) > 1:
                walls = sorted(r["seconds"] for r in firsts)
                cpus = sorted(r["cpu_client"] + r["cpu_server"] for r in firsts)
                within = sum(w <= TARGET_SECONDS[label] for w in walls)
                print(
                    f"  {len(firsts)} rounds: median {statistics.median(walls):.1f} s "
                    f"(range {walls[0]:.1f}-{walls[-1]:.1f} s), CPU median "
                    f"{statistics.median(cpus):.1f} s, {within} of {len(walls)} within {target}"
                )
                results[label]["rounds"] = [round(w, 2) for w in walls]
            continue
        again = _step("import", data, env)
        replaced = int(again["replaced"])
        _print_step(f"same set again (replaces {replaced:,})", again, total)
        undo = _step("undo", data, env)
        _print_step("undo of that import", undo, total)
        undo_first = _step("undo", data, env)
        _print_step("undo of the first (deletes all)", undo_first, total)
        results[label] = {
            name: _summary(r, total)
            for name, r in (
                ("import", first),
                ("again", again),
                ("undo", undo),
                ("undo_first", undo_first),
            )
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
