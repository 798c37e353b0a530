"""``generate``: build the demo data set and write it as canonical files."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from timbalans.generator import absences as absences_mod
from timbalans.generator import config, ledger, structure, timebook
from timbalans.generator.calendar import Calendar, add_months
from timbalans.ingest.schema import TABLE_ORDER, TABLES, frame_schema

FORMATS = ("csv", "parquet")


def data_start(scale: config.Scale, until: date) -> date:
    if scale.start is not None:
        if until < scale.start:
            raise ValueError(f"until ({until}) is before the data's first day ({scale.start})")
        return scale.start
    if scale.baseline_year:
        return date(until.year - 1, 1, 1)
    return add_months(until.replace(day=1), -11)


def generate(
    out_dir: Path,
    *,
    scale: str = "department",
    seed: int = 1,
    until: date | None = None,
    fmt: str | None = None,
    progress: bool = False,
) -> dict[str, int]:
    """Write one file per table of the canonical data set into ``out_dir``.

    Returns the number of rows per table. The same ``seed`` and ``until`` give byte-identical
    files; ``until`` defaults to today (the only use of the wall clock).
    """
    if scale not in config.SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(config.SCALES)}")
    sc = config.SCALES[scale]
    fmt = fmt or sc.fmt
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose csv or parquet")
    until = until or date.today()  # noqa: DTZ011 - the documented default
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    def step(what: str) -> None:
        if progress:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(
                f"[{time.perf_counter() - t0:7.1f}s {peak:6d} MB] {what}",
                file=sys.stderr,
                flush=True,
            )

    rng = np.random.Generator(np.random.PCG64(seed))
    cal = Calendar(data_start(sc, until), until)
    step(f"calendar {cal.start} .. {cal.plan_end}")
    s = structure.build(cal, sc, rng)
    step(f"structure: {s.n_cases} cases, {len(s.line_case)} lines, {s.n_emp} employees")
    ab = absences_mod.generate(s, rng)
    step(f"absences: {len(ab.emp)} rows")
    planned = timebook.expand(s, rng)
    step(f"shifts: {len(planned.emp)} rows")
    worked = timebook.work(s, planned, ab, rng)
    step(f"worked: {len(worked.emp)} rows")
    book, reports = ledger.build(s, planned, worked, ab, rng)
    step(f"ledger: {len(book)} rows")
    frames = _frames(s, planned, worked, ab, book, reports)
    del planned, worked, ab, book, reports
    counts: dict[str, int] = {}
    for name in TABLE_ORDER:
        frame = frames.pop(name)()
        counts[name] = _write(frame, out_dir, name, fmt)
        del frame
        step(f"wrote {name}")
    return counts


def _write(frame: pl.DataFrame, out_dir: Path, name: str, fmt: str) -> int:
    assert tuple(frame.columns) == TABLES[name].names, (name, frame.columns)
    if fmt == "csv":
        frame.write_csv(
            out_dir / f"{name}.csv", separator=";", float_precision=2, line_terminator="\n"
        )
    else:
        frame.write_parquet(out_dir / f"{name}.parquet", statistics=False)
    return frame.height


def _timestamps(cal: Calendar, minutes: np.ndarray) -> pl.Series:
    """``YYYY-MM-DD HH:MM`` strings of wall-clock minutes (formatted once per distinct value)."""
    uniq, inv = np.unique(minutes, return_inverse=True)
    text = pl.Series(cal.timestamps(uniq).astype("datetime64[ms]")).dt.strftime("%Y-%m-%d %H:%M")
    return text.gather(inv.astype(np.int64))


def _dates(cal: Calendar, days: list[int | None] | np.ndarray) -> pl.Series:
    return pl.Series([None if d is None else cal.date_of(d) for d in days], dtype=pl.Date)


def _ids(values: list[str], idx: np.ndarray) -> pl.Series:
    """Codes of indexes; -1 gives an empty value."""
    table = pl.Series([*values, None], dtype=pl.String)
    return table.gather(np.where(idx < 0, len(values), idx).astype(np.int64))


def _frames(
    s: structure.Structure,
    planned: timebook.Planned,
    worked: timebook.Worked,
    ab: absences_mod.Absences,
    book: pl.DataFrame,
    reports: pl.DataFrame,
) -> dict[str, Callable[[], pl.DataFrame]]:
    """Each table as a function, so that a large table is built only when it is written."""
    cal = s.cal
    case_codes = [c["case_id"] for c in s.cases]

    def units() -> pl.DataFrame:
        return pl.DataFrame(s.units, schema=frame_schema("units"))

    def cases() -> pl.DataFrame:
        return pl.DataFrame(s.cases, schema=frame_schema("cases")).sort("case_id")

    def decisions() -> pl.DataFrame:
        frame = pl.DataFrame(s.decisions, schema=frame_schema("decisions"))
        return frame.sort(["case_id", "valid_from"])

    def employees() -> pl.DataFrame:
        return pl.DataFrame(
            {
                "employee_id": s.emp_id,
                "name": s.emp_name,
                "unit_id": [s.cases[c]["unit_id"] for c in s.emp_case],
            },
            schema=frame_schema("employees"),
        ).sort("employee_id")

    def employments() -> pl.DataFrame:
        rows = s.employments
        return pl.DataFrame(
            {
                "employee_id": [s.emp_id[r["emp"]] for r in rows],
                "form": [r["form"] for r in rows],
                "employment_rate": [r["employment_rate"] for r in rows],
                "full_time_hours_per_week": [
                    int(r["full_time_hours_per_week"]) if r["form"] != "hourly" else None
                    for r in rows
                ],
                "monthly_salary": [r["monthly_salary"] for r in rows],
                "hourly_wage": [r["hourly_wage"] for r in rows],
                "valid_from": _dates(cal, [r["from"] for r in rows]),
                "valid_to": _dates(cal, [r["to"] for r in rows]),
                "status": [r["status"] for r in rows],
            },
            schema={
                "employee_id": pl.String,
                "form": pl.String,
                "employment_rate": pl.Int64,
                "full_time_hours_per_week": pl.Int64,
                "monthly_salary": pl.Int64,
                "hourly_wage": pl.Float64,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "status": pl.String,
            },
        ).sort(["employee_id", "valid_from"])

    def accounts() -> pl.DataFrame:
        return pl.DataFrame(
            {
                "account": [a for a, _, _, _ in config.ACCOUNTS],
                "category": [c for _, _, c, _ in config.ACCOUNTS],
                "structural": ["yes" if x else "no" for _, _, _, x in config.ACCOUNTS],
            }
        )

    def shifts() -> pl.DataFrame:
        p = planned
        order = np.lexsort((p.emp, p.end, p.start, p.case))
        n = len(order)
        width = max(7, len(str(n)))
        f = pl.DataFrame(
            {
                "shift_id": pl.int_range(1, n + 1, eager=True).cast(pl.String).str.zfill(width),
                "case_id": _ids(case_codes, p.case[order]),
                "employee_id": _ids(s.emp_id, p.emp[order]),
                "start": _timestamps(cal, p.start[order]),
                "end": _timestamps(cal, p.end[order]),
                "break_minutes": p.brk[order],
                "kind": pl.Series(list(structure.KINDS)).gather(p.kind[order].astype(np.int64)),
            }
        )
        return f.with_columns(("P" + pl.col("shift_id")).alias("shift_id"))

    def worked_frame() -> pl.DataFrame:
        w = worked
        order = np.lexsort((w.end, w.emp, w.start, w.case))
        return pl.DataFrame(
            {
                "case_id": _ids(case_codes, w.case[order]),
                "employee_id": _ids(s.emp_id, w.emp[order]),
                "start": _timestamps(cal, w.start[order]),
                "end": _timestamps(cal, w.end[order]),
                "break_minutes": w.brk[order],
                "time_type": pl.Series(list(timebook.TIME_TYPES)).gather(
                    w.type[order].astype(np.int64)
                ),
            }
        )

    def absences() -> pl.DataFrame:
        emp_order = np.argsort(np.array(s.emp_id))
        rank = np.empty_like(emp_order)
        rank[emp_order] = np.arange(len(emp_order))
        order = np.lexsort((ab.start, rank[ab.emp]))
        return pl.DataFrame(
            {
                "employee_id": _ids(s.emp_id, ab.emp[order]),
                "start": pl.Series(cal.dates(ab.start[order])),
                "end": pl.Series(cal.dates(ab.end[order])),
                "type": pl.Series(list(absences_mod.TYPES)).gather(ab.type[order].astype(np.int64)),
                "extent_percent": np.full(len(order), 100, dtype=np.int64),
                "hours": pl.Series([None] * len(order), dtype=pl.Float64),
            }
        )

    return {
        "units": units,
        "cases": cases,
        "decisions": decisions,
        "employees": employees,
        "employments": employments,
        "accounts": accounts,
        "shifts": shifts,
        "worked": worked_frame,
        "absences": absences,
        "ledger": lambda: book,
        "fk_reports": lambda: reports,
        "budget": lambda: ledger.budget_frame(book, cal.until.year),
    }
