"""Rates (satser) as data with validity dates: a typed, immutable rate set.

What this module guarantees:

* A :class:`Rate` is one value of one key from one date: ``key``, ``valid_from``, ``value``,
  ``source`` (where the value comes from, in words) and ``example`` (True when the value could
  not be confirmed from a source; screens and documents say "exempelvärde"). A value holds
  from its ``valid_from`` until the next ``valid_from`` of the same key. A date before a key's
  first row uses the first row: the set says nothing earlier, and a silent 0 would be worse.
* A :class:`RateSet` is a sorted tuple of rates (one per key and date), the OB windows
  and storhelg days (dated versions, :class:`ObSchedule` of :class:`ObWindows`), the absence
  types whose salary is paid (``paid_absence``) and a ``name`` that every figure output prints, so a
  result can always be traced to the rates it used. It is frozen; changes give a new set
  (:meth:`RateSet.overridden`, :meth:`RateSet.with_constant`).
* :meth:`RateSet.join` attaches the rate valid on each row's date to a polars frame with one
  backward ``join_asof`` per key (vectorised; no Python loop over rows), so a rate that
  changes on a date inside a month applies from that date on.
* The shipped defaults live in ``rates.toml`` beside this module (:func:`default_rates`).
  The database keeps the department's own values (``timbalans.records.rates``).

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from timbalans.core.calendar import STORHELG_DAYS

DEFAULTS_FILE = Path(__file__).with_name("rates.toml")
EXAMPLE_LABEL = "exempelvärde"
#: The first day a constant override holds from (earlier than any data).
BEGINNING = dt.date(1900, 1, 1)

UNKNOWN_RATE = "okänd sats: {key}"
BAD_RATE_VALUE = "värdet för {key} måste vara ett tal, fick {value!r}"
BAD_WINDOW = "OB-fönstret {name} måste vara två klockslag HH:MM, fick {value!r}"
BAD_STORHELG_DAYS = "storhelg_days måste vara en lista med helgdagars namn, fick {value!r}"
#: Absence types whose salary is paid (vacation and other paid leave); the rest are unpaid.
PAID_ABSENCE_TYPES = ("vacation", "other")

RATE_SCHEMA = {
    "key": pl.String(),
    "valid_from": pl.Date(),
    "value": pl.Float64(),
    "source": pl.String(),
    "example": pl.Boolean(),
}


@dataclass(frozen=True)
class Rate:
    key: str
    valid_from: dt.date
    value: float
    source: str = ""
    example: bool = False


def _minutes(text: str) -> int:
    hh, mm = text.split(":")
    h, m = int(hh), int(mm)
    if not (0 <= h <= 24 and 0 <= m < 60):
        raise ValueError(text)
    return h * 60 + m


@dataclass(frozen=True)
class ObWindows:
    """One version of the OB windows (minutes after local midnight) and storhelg days.

    ``evening`` and ``night`` are daily windows (``night`` wraps midnight); ``weekend`` is
    (start on the day before a red day, end on the next weekday); ``storhelg`` is (start on the
    day before the storhelg day, end on the first weekday after it). ``storhelg_days`` names
    the storhelg days (:func:`timbalans.core.calendar.named_day`). The version holds from
    ``valid_from`` until the next version of the set (:class:`ObSchedule`).
    """

    evening: tuple[int, int] = (19 * 60, 22 * 60)
    night: tuple[int, int] = (22 * 60, 6 * 60)
    weekend: tuple[int, int] = (19 * 60, 7 * 60)
    storhelg: tuple[int, int] = (18 * 60, 7 * 60)
    storhelg_days: tuple[str, ...] = STORHELG_DAYS
    valid_from: dt.date = BEGINNING

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ObWindows:
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name == "valid_from" and isinstance(value, dt.date):
                values[name] = value
                continue
            if name == "storhelg_days":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(BAD_STORHELG_DAYS.format(value=value))
                values[name] = tuple(value)
                continue
            if name not in ("evening", "night", "weekend", "storhelg"):
                raise ValueError(BAD_WINDOW.format(name=name, value=value))
            try:
                first, second = value
                values[name] = (_minutes(first), _minutes(second))
            except (TypeError, ValueError) as exc:
                raise ValueError(BAD_WINDOW.format(name=name, value=value)) from exc
        return cls(**values)

    def boundaries(self) -> tuple[int, ...]:
        """Every time of day (minutes) at which some window starts or ends, with midnight."""
        edges = {0, *self.evening, *self.night, *self.weekend, *self.storhelg}
        return tuple(sorted(m for m in edges if 0 <= m < 24 * 60))

    def describe(self) -> dict[str, str]:
        def hhmm(m: int) -> str:
            return f"{m // 60:02d}:{m % 60:02d}"

        return {
            name: f"{hhmm(a)}–{hhmm(b)}"
            for name, (a, b) in (
                ("evening", self.evening),
                ("night", self.night),
                ("weekend", self.weekend),
                ("storhelg", self.storhelg),
            )
        } | {"storhelg_days": ", ".join(self.storhelg_days)}


@dataclass(frozen=True)
class ObSchedule:
    """The dated versions of the OB windows, oldest first; a day uses the latest version that
    starts on or before it (a day before the first version uses the first)."""

    versions: tuple[ObWindows, ...] = (ObWindows(),)

    @classmethod
    def of(cls, windows: ObWindows | ObSchedule | Iterable[ObWindows]) -> ObSchedule:
        if isinstance(windows, ObSchedule):
            return windows
        if isinstance(windows, ObWindows):
            return cls((windows,))
        ordered = tuple(sorted(windows, key=lambda w: w.valid_from))
        return cls(ordered or (ObWindows(),))

    def on(self, day: dt.date) -> ObWindows:
        chosen = self.versions[0]
        for w in self.versions:
            if w.valid_from <= day:
                chosen = w
        return chosen

    def spans(self, first: dt.date, last: dt.date) -> list[tuple[ObWindows, dt.date, dt.date]]:
        """The versions in force over ``first``..``last``: (version, its first, its last day)."""
        out = []
        for i, w in enumerate(self.versions):
            lo = first if i == 0 else max(first, w.valid_from)
            nxt = self.versions[i + 1].valid_from if i + 1 < len(self.versions) else None
            hi = last if nxt is None else min(last, nxt - dt.timedelta(days=1))
            if lo <= hi:
                out.append((w, lo, hi))
        return out

    def boundaries(self) -> tuple[int, ...]:
        """Every time of day at which a window of any version starts or ends, with midnight:
        the same edges every day, so a segment's number is plain arithmetic (``core.ob``)."""
        return tuple(sorted({e for w in self.versions for e in w.boundaries()}))

    def describe(self) -> dict[str, str] | dict[str, dict[str, str]]:
        """One version: its windows; several: per version's first day."""
        if len(self.versions) == 1:
            return self.versions[0].describe()
        return {w.valid_from.isoformat(): w.describe() for w in self.versions}


@dataclass(frozen=True)
class RateSet:
    rates: tuple[Rate, ...]
    name: str = "standard"
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    ob_windows: ObSchedule = field(default_factory=ObSchedule)
    paid_absence: tuple[str, ...] = PAID_ABSENCE_TYPES

    # ------------------------------------------------------------------ construction

    @classmethod
    def of(
        cls,
        rates: Iterable[Rate],
        *,
        name: str = "standard",
        labels: Mapping[str, str] | None = None,
        ob_windows: ObWindows | ObSchedule | Iterable[ObWindows] | None = None,
        paid_absence: Iterable[str] = PAID_ABSENCE_TYPES,
    ) -> RateSet:
        """A set from rates in any order; a later rate with the same key and date wins."""
        by_key: dict[tuple[str, dt.date], Rate] = {}
        for r in rates:
            by_key[(r.key, r.valid_from)] = replace(r, value=float(r.value))
        ordered = tuple(by_key[k] for k in sorted(by_key))
        return cls(
            rates=ordered,
            name=name,
            labels=dict(labels or {}),
            ob_windows=ObSchedule.of(ob_windows or ObWindows()),
            paid_absence=tuple(paid_absence),
        )

    @cached_property
    def _by_key(self) -> dict[str, tuple[Rate, ...]]:
        """The rates of each key in date order, keys in order of first appearance (read once:
        staffing asks for six values per open shift)."""
        out: dict[str, list[Rate]] = {}
        for r in self.rates:
            out.setdefault(r.key, []).append(r)
        return {key: tuple(rows) for key, rows in out.items()}

    def keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def check_key(self, key: str) -> None:
        if key not in self:
            raise KeyError(UNKNOWN_RATE.format(key=key))

    def overridden(self, rates: Iterable[Rate], *, name: str) -> RateSet:
        """This set with ``rates`` added; one with the same key and date replaces the old."""
        new = list(rates)
        for r in new:
            self.check_key(r.key)
        return RateSet.of(
            [*self.rates, *new],
            name=name,
            labels=self.labels,
            ob_windows=self.ob_windows,
            paid_absence=self.paid_absence,
        )

    def with_constant(self, key: str, value: float, *, name: str | None = None) -> RateSet:
        """This set with ``key`` replaced by one constant value, valid always (tests, files)."""
        self.check_key(key)
        kept = [r for r in self.rates if r.key != key]
        rate = Rate(key, BEGINNING, float(value), source="inställning", example=False)
        return RateSet.of(
            [*kept, rate],
            name=name or self.name,
            labels=self.labels,
            ob_windows=self.ob_windows,
            paid_absence=self.paid_absence,
        )

    def frozen_on(self, day: dt.date) -> RateSet:
        """This set with every key held at its value on ``day``, always (fixed prices)."""
        fixed = [
            Rate(key, BEGINNING, self.value(key, day), source=f"fast pris per {day.isoformat()}")
            for key in self.keys()
        ]
        return RateSet.of(
            fixed,
            name=f"{self.name}, fasta priser per {day.isoformat()}",
            labels=self.labels,
            ob_windows=self.ob_windows,
            paid_absence=self.paid_absence,
        )

    def with_values(self, **values: float) -> RateSet:
        """Shorthand: several keys replaced by constants (``with_values(social_fee_rate=0)``)."""
        out = self
        for key, value in values.items():
            out = out.with_constant(key, value)
        return out

    # ------------------------------------------------------------------ reading

    def history(self, key: str) -> tuple[Rate, ...]:
        self.check_key(key)
        return self._by_key[key]

    def rate_on(self, key: str, day: dt.date | None) -> Rate:
        """The rate of ``key`` valid on ``day`` (None: the newest)."""
        rows = self.history(key)
        if day is None:
            return rows[-1]
        chosen = rows[0]
        for r in rows:
            if r.valid_from <= day:
                chosen = r
        return chosen

    def value(self, key: str, day: dt.date | None = None) -> float:
        """The value of ``key`` valid on ``day`` (None: the newest)."""
        return self.rate_on(key, day).value

    def frame(self) -> pl.DataFrame:
        """All rates: ``key``, ``valid_from``, ``value``, ``source``, ``example``."""
        return pl.DataFrame(
            {
                "key": [r.key for r in self.rates],
                "valid_from": [r.valid_from for r in self.rates],
                "value": [r.value for r in self.rates],
                "source": [r.source for r in self.rates],
                "example": [r.example for r in self.rates],
            },
            schema=RATE_SCHEMA,
        )

    def join(
        self,
        frame: pl.DataFrame,
        columns: Mapping[str, str],
        *,
        on: str = "date",
    ) -> pl.DataFrame:
        """``frame`` with one column per ``alias -> key``: the key's value on each row's date.

        ``on`` is a ``pl.Date`` column. Vectorised: the distinct dates of the frame get their
        values by one backward as-of join on the dates the keys change (before a key's first
        date its first value applies), and the frame is joined to them on the date. Row order
        is kept; a row with a null date gets null.
        """
        if not columns:
            return frame
        for key in columns.values():
            self.check_key(key)
        # Every date on which a key asked for changes, with each key's value in force then
        # (before a key's first date, its first value): one as-of join for all keys. A date
        # before the first of them takes the first one's values.
        points = sorted({r.valid_from for key in columns.values() for r in self._by_key[key]})
        table = pl.DataFrame(
            {
                "__rate_from": points,
                **{alias: [self.value(key, p) for p in points] for alias, key in columns.items()},
            },
            schema={"__rate_from": pl.Date, **dict.fromkeys(columns, pl.Float64)},
        )
        on_date = frame.lazy().select(pl.col(on).cast(pl.Date).alias("__rate_on"))
        dates = (
            on_date.unique()
            .drop_nulls()
            .sort("__rate_on")
            .with_columns(pl.max_horizontal("__rate_on", pl.lit(points[0])).alias("__rate_at"))
            .join_asof(
                table.lazy(),
                left_on="__rate_at",
                right_on="__rate_from",
                strategy="backward",
                check_sortedness=False,
            )
            .drop("__rate_at", "__rate_from")
        )
        # Only the dates are joined (one-to-one, in order) and the values put beside the
        # frame: joining the frame itself would copy every column of it (10 million rows).
        values = (
            on_date.join(dates, on="__rate_on", how="left", maintain_order="left")
            .drop("__rate_on")
            .collect()
        )
        kept = frame.drop([c for c in columns if c in frame.columns])
        return pl.concat([kept, values], how="horizontal")

    def describe(self) -> list[dict[str, Any]]:
        """The rates for an output's record: key, from, value, source, and the example mark."""
        return [
            {
                "sats": r.key,
                "benämning": self.labels.get(r.key, r.key),
                "gäller_från": r.valid_from.isoformat(),
                "värde": r.value,
                "källa": r.source,
                "anmärkning": EXAMPLE_LABEL if r.example else "",
            }
            for r in self.rates
        ]

    def describe_short(self) -> dict[str, Any]:
        """One line per key for standard error: ``key: value från date[, exempelvärde] ...``."""
        out: dict[str, Any] = {"satser": self.name}
        for key in self.keys():
            parts = []
            for r in self.history(key):
                mark = f" ({EXAMPLE_LABEL})" if r.example else ""
                parts.append(f"{r.value:g} från {r.valid_from.isoformat()}{mark}")
            out[key] = "; ".join(parts)
        out["ob_fönster"] = self.ob_windows.describe()
        return out


#: Per overtime type: the rate keys of its factor and its divisor.
OVERTIME_RATE_KEYS: Mapping[str, tuple[str, str]] = {
    "overtime_simple": ("overtime_factor_simple", "overtime_divisor_simple"),
    "overtime_qualified": ("overtime_factor_qualified", "overtime_divisor_qualified"),
}
#: Weeks per month in the hourly cost basis (monthly_salary / (full-time h/week × 52 / 12)).
WEEKS_PER_MONTH = 52 / 12


def with_overtime_factor(
    frame: pl.DataFrame, rates: RateSet, *, alias: str = "overtime_factor", on: str = "date"
) -> pl.DataFrame:
    """``frame`` with the overtime pay per hour as a factor on the hourly cost basis.

    The one overtime pay rule: for a row of ``time_type`` ``overtime_simple`` or
    ``overtime_qualified``, the type's divisor valid on the row's date when it is above 0
    (pay = monthly_salary / divisor = cost basis × full-time h/week × 52/12 / divisor, so
    the factor is that over the cost basis), else the type's factor. Other rows get null.
    ``frame`` needs ``time_type``, ``full_time_hours_per_week`` and the date column ``on``.
    """
    cols = {
        f"__ot_{i}_{j}": key
        for i, keys in enumerate(OVERTIME_RATE_KEYS.values())
        for j, key in enumerate(keys)
    }
    joined = rates.join(frame, cols, on=on)
    factor = pl.lit(None, pl.Float64)
    for i, time_type in enumerate(OVERTIME_RATE_KEYS):
        divisor = pl.col(f"__ot_{i}_1")
        month_hours = pl.col("full_time_hours_per_week").fill_null(40.0) * WEEKS_PER_MONTH
        own = pl.when(divisor > 0).then(month_hours / divisor).otherwise(pl.col(f"__ot_{i}_0"))
        factor = pl.when(pl.col("time_type") == time_type).then(own).otherwise(factor)
    return joined.with_columns(factor.alias(alias)).drop(list(cols))


def rates_from_mapping(data: Mapping[str, Any], *, name: str | None = None) -> RateSet:
    """A rate set from the TOML shape of ``rates.toml``.

    A key's rows are examples when ``example`` is true, or from ``examples_from`` on (the
    later rows of a key whose older rows have a source). ``ob_windows`` is one table (one
    version, always) or an array of tables with ``valid_from`` (dated versions).
    """
    rates: list[Rate] = []
    labels: dict[str, str] = {}
    for key, spec in data.get("rates", {}).items():
        labels[key] = str(spec.get("label", key))
        examples_from = spec.get("examples_from")
        for pair in spec["values"]:
            valid_from, value = pair[0], pair[1]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(BAD_RATE_VALUE.format(key=key, value=value))
            example = bool(spec.get("example", False)) or (
                examples_from is not None and valid_from >= examples_from
            )
            rates.append(
                Rate(
                    key=key,
                    valid_from=valid_from,
                    value=float(value),
                    source=str(spec.get("source", "")),
                    example=example,
                )
            )
    raw = data.get("ob_windows", {})
    versions = [ObWindows.from_mapping(v) for v in (raw if isinstance(raw, list) else [raw])]
    return RateSet.of(
        rates,
        name=name or str(data.get("name", "standard")),
        labels=labels,
        ob_windows=versions,
        paid_absence=data.get("absence", {}).get("paid", PAID_ABSENCE_TYPES),
    )


@lru_cache(maxsize=1)
def default_rates() -> RateSet:
    """The shipped defaults (``rates.toml``)."""
    with DEFAULTS_FILE.open("rb") as f:
        return rates_from_mapping(tomllib.load(f))


def load_rates(path: Path | None = None) -> RateSet:
    """The shipped defaults, or the rates of ``path`` on top of them (same TOML shape)."""
    base = default_rates()
    if path is None:
        return base
    with path.open("rb") as f:
        own = rates_from_mapping(tomllib.load(f), name=str(path))
    return base.overridden(own.rates, name=f"{base.name} + {path}")


__all__ = [
    "EXAMPLE_LABEL",
    "OVERTIME_RATE_KEYS",
    "PAID_ABSENCE_TYPES",
    "ObSchedule",
    "ObWindows",
    "Rate",
    "RateSet",
    "default_rates",
    "load_rates",
    "rates_from_mapping",
    "with_overtime_factor",
]
