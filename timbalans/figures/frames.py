"""The input of every figure: the canonical tables as typed polars frames.

Two ways in, one shape out: ``frames_from_files`` (canonical files, no database) and the
database selector ``timbalans.records.frames.frames_load``. Both give ``Frames`` whose tables
have exactly the columns and dtypes of ``timbalans.ingest.schema.frame_schema``, and both are
limited to what a user may see with ``Frames.scoped``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from timbalans.figures import files_cache
from timbalans.ingest.read import read_dataset
from timbalans.ingest.schema import TABLE_ORDER, empty_frame, frame_schema
from timbalans.ingest.validate import validate

T = TypeVar("T")
MEMO_SIZE = 16


@dataclass(frozen=True)
class Frames:
    """The canonical tables, immutable; ``derived`` remembers what figures computed from them.

    Several figure tables of one request need the same intermediate results (worked time cut
    at D and at months, absence hours per day, sick spells). :meth:`derived` computes each
    once per set of frames and key, and keeps the last ``MEMO_SIZE`` of them.
    """

    units: pl.DataFrame
    cases: pl.DataFrame
    decisions: pl.DataFrame
    employees: pl.DataFrame
    employments: pl.DataFrame
    accounts: pl.DataFrame
    shifts: pl.DataFrame
    worked: pl.DataFrame
    absences: pl.DataFrame
    ledger: pl.DataFrame
    fk_reports: pl.DataFrame
    budget: pl.DataFrame
    _memo: OrderedDict[Hashable, Any] = field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, remembered under ``key`` for these frames (a bounded LRU).

        ``key`` must name everything the result depends on besides the frames (the function
        and its arguments). Two threads asking at once may both compute; either result is
        the same.
        """
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            self._memo.move_to_end(key)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    @classmethod
    def from_dict(cls, tables: dict[str, pl.DataFrame]) -> Frames:
        """Frames from any subset of tables; absent ones are empty, columns in schema order."""
        out = {}
        for name in TABLE_ORDER:
            schema = frame_schema(name)
            frame = tables.get(name)
            out[name] = (
                empty_frame(name)
                if frame is None
                else frame.select([pl.col(c).cast(t) for c, t in schema.items()])
            )
        return cls(**out)

    def as_dict(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_ORDER}

    def scoped(self, *, units: set[str] | None = None, cases: set[str] | None = None) -> Frames:
        """Only what concerns the given units and cases (None: no limit).

        Kept: the units; their cases (and of those, ``cases`` when given); the cases'
        decisions, shifts, worked time, ledger and budget rows and time reports; the unit's
        own ledger and budget rows (no case) when no case limit is given; employees whose home
        unit is kept or who worked or are planned in a kept case, with their employments and
        absences.
        """
        if units is None and cases is None:
            return self
        unit_f = (
            self.units if units is None else self.units.filter(pl.col("unit_id").is_in(list(units)))
        )
        case_f = self.cases.filter(pl.col("unit_id").is_in(unit_f["unit_id"].implode()))
        if cases is not None:
            case_f = case_f.filter(pl.col("case_id").is_in(list(cases)))
        keep_cases = case_f["case_id"].implode()
        in_cases = pl.col("case_id").is_in(keep_cases)
        worked = self.worked.filter(in_cases)
        shifts = self.shifts.filter(in_cases)
        employee_ids = pl.concat(
            [
                self.employees.filter(pl.col("unit_id").is_in(unit_f["unit_id"].implode()))[
                    "employee_id"
                ],
                worked["employee_id"],
                shifts["employee_id"].drop_nulls(),
            ]
        ).unique()
        in_employees = pl.col("employee_id").is_in(employee_ids.implode())
        centers = unit_f["cost_center"].implode()
        ledger = self.ledger.filter(
            in_cases | (pl.col("case_id").is_null() & pl.col("cost_center").is_in(centers))
            if cases is None
            else in_cases
        )
        return Frames(
            units=unit_f,
            cases=case_f,
            decisions=self.decisions.filter(in_cases),
            employees=self.employees.filter(in_employees),
            employments=self.employments.filter(in_employees),
            accounts=self.accounts,
            shifts=shifts,
            worked=worked,
            absences=self.absences.filter(in_employees),
            ledger=ledger,
            fk_reports=self.fk_reports.filter(in_cases),
            # As the ledger: the cases' rows, and the units' own rows without a case limit.
            budget=self.budget.filter(
                in_cases | (pl.col("case_id").is_null() & pl.col("cost_center").is_in(centers))
                if cases is None
                else in_cases
            ),
        )


class DataError(Exception):
    """The files are not a valid canonical data set; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem i datasetet")
        self.problems = problems


def frames_from_files(path: Path | str, *, cache: bool = True) -> Frames:
    """Read and validate a canonical data set from files: the no-database mode.

    A set that passed validation once is read from its typed copy in the data directory
    (``files_cache``: keyed by the files' checksums and the code's version) instead of being
    parsed and checked again; ``cache=False`` reads and validates it in full, storing nothing.
    """
    key = files_cache.set_key(path) if cache else None
    if key is not None:
        tables = files_cache.cache_read(key)
        if tables is not None:
            return Frames(**tables)
    dataset = validate(read_dataset(path), release=True)
    if not dataset.ok:
        raise DataError([str(p) for p in dataset.problems])
    frames = Frames.from_dict({t: f.drop("_row") for t, f in dataset.frames.items()})
    # Stored only when the files are still those that were validated.
    if key is not None and files_cache.set_key(path) == key:
        files_cache.cache_write(key, frames.as_dict())
    return frames
