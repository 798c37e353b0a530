"""Rates (satser) as data with validity dates: a typed, immutable rate set.

What this module guarantees:

* A :class:`Rate` is one value of one key from one date: ``key``, ``valid_from``, ``value``,
  ``source`` (where the value comes from, in words) and ``example`` (True when the value could
  not be confirmed from a source; screens and documents say "exempelvärde"). A value holds
  from its ``valid_from`` until the next ``valid_from`` of the same key. A date before a key's
  first row uses the first row: the set says nothing earlier, and a silent 0 would be worse.
* A :class:`RateSet` is a sorted tuple of rates (one per key and date), the OB windows
  (times of day, :class:`ObWindows`) and a ``name`` that every figure output prints, so a
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
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

DEFAULTS_FILE = Path(__file__).with_name("rates.toml")
EXAMPLE_LABEL = "exempelvärde"
#: The first day a constant override holds from (earlier than any data).
BEGINNING = dt.date(1900, 1, 1)

UNKNOWN_RATE = "okänd sats: {key}"
BAD_RATE_VALUE = "värdet för {key} måste vara ett tal, fick {value!r}"
BAD_WINDOW = "OB-fönstret {name} måste vara två klockslag HH:MM, fick {value!r}"

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
    """The OB windows as minutes after local midnight.

    ``evening`` and ``night`` are daily windows (``night`` wraps midnight); ``weekend`` is
    (start on the day before a red day, end on the next weekday); ``storhelg`` is (start on the
    day before the storhelg day, end on the first weekday after it).
    """

    evening: tuple[int, int] = (19 * 60, 22 * 60)
    night: tuple[int, int] = (22 * 60, 6 * 60)
    weekend: tuple[int, int] = (19 * 60, 7 * 60)
    storhelg: tuple[int, int] = (18 * 60, 7 * 60)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ObWindows:
        values: dict[str, tuple[int, int]] = {}
        for name, value in data.items():
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
        }


@dataclass(frozen=True)
class RateSet:
    rates: tuple[Rate, ...]
    name: str = "standard"
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    ob_windows: ObWindows = field(default_factory=ObWindows)

    # ------------------------------------------------------------------ construction

    @classmethod
    def of(
        cls,
        rates: Iterable[Rate],
        *,
        name: str = "standard",
        labels: Mapping[str, str] | None = None,
        ob_windows: ObWindows | None = None,
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
            ob_windows=ob_windows or ObWindows(),
        )

    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.key for r in self.rates))

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def check_key(self, key: str) -> None:
        if key not in self:
            raise KeyError(UNKNOWN_RATE.format(key=key))

    def overridden(self, rates: Iterable[Rate], *, name: str) -> RateSet:
        """This set with ``rates`` added; one with the same key and date replaces the old."""
        new = list(rates)
        for r in new:
            self.check_key(r.key)
        return RateSet.of(
            [*self.rates, *new], name=name, labels=self.labels, ob_windows=self.ob_windows
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
        return tuple(r for r in self.rates if r.key == key)

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
        values by a backward as-of join per key on the sorted rates (before a key's first date
        its first value applies), and the frame is joined to them on the date. Row order is
        kept; a row with a null date gets null.
        """
        if not columns:
            return frame
        table = self.frame()
        dates = (
            frame.select(pl.col(on).cast(pl.Date).alias("__rate_on"))
            .unique()
            .drop_nulls()
            .sort("__rate_on")
        )
        for alias, key in columns.items():
            self.check_key(key)
            values = (
                table.filter(pl.col("key") == key)
                .select(pl.col("valid_from").alias("__rate_from"), pl.col("value").alias(alias))
                .sort("__rate_from")
            )
            first = values[alias][0]
            dates = (
                dates.join_asof(
                    values,
                    left_on="__rate_on",
                    right_on="__rate_from",
                    strategy="backward",
                    check_sortedness=False,
                )
                .with_columns(pl.col(alias).fill_null(first))
                .drop("__rate_from")
            )
        drop = [c for c in columns if c in frame.columns]
        return (
            frame.drop(drop)
            .with_columns(pl.col(on).cast(pl.Date).alias("__rate_on"))
            .join(dates, on="__rate_on", how="left", maintain_order="left")
            .drop("__rate_on")
        )

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


def rates_from_mapping(data: Mapping[str, Any], *, name: str | None = None) -> RateSet:
    """A rate set from the TOML shape of ``rates.toml``."""
    rates: list[Rate] = []
    labels: dict[str, str] = {}
    for key, spec in data.get("rates", {}).items():
        labels[key] = str(spec.get("label", key))
        for pair in spec["values"]:
            valid_from, value = pair[0], pair[1]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(BAD_RATE_VALUE.format(key=key, value=value))
            rates.append(
                Rate(
                    key=key,
                    valid_from=valid_from,
                    value=float(value),
                    source=str(spec.get("source", "")),
                    example=bool(spec.get("example", False)),
                )
            )
    windows = ObWindows.from_mapping(data.get("ob_windows", {}))
    return RateSet.of(
        rates, name=name or str(data.get("name", "standard")), labels=labels, ob_windows=windows
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
    "ObWindows",
    "Rate",
    "RateSet",
    "default_rates",
    "load_rates",
    "rates_from_mapping",
]
