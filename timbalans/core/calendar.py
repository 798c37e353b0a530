"""Swedish holidays and the storhelg days, as plain dates.

Source: the ``holidays`` package, ``holidays.Sweden(categories=("public", "de_facto"),
language="sv")``. What this module guarantees:

* :func:`holiday_frame` returns one row per holiday date of the given years, sorted by date,
  columns ``date`` (``pl.Date``) and ``name`` (``pl.String``, the Swedish name). It holds the
  public holidays (allmänna helgdagar: Nyårsdagen, Trettondedag jul, Långfredagen, Påskdagen,
  Annandag påsk, Första maj, Kristi himmelsfärdsdag, Nationaldagen, Pingstdagen,
  Midsommardagen, Alla helgons dag, Juldagen, Annandag jul) and the de facto holidays
  (Midsommarafton, Julafton, Nyårsafton). Ordinary Sundays are *not* in it: weekends are a
  matter of the weekday, which the OB rules handle themselves.
* :func:`is_holiday` answers for one date; :func:`is_holiday_expr` is the vectorised form for a
  ``pl.Date`` column (or a local datetime column: its local date is used).
* :func:`storhelg_frame` exposes the storhelg days the OB rules of the municipal agreement
  (HÖK) are built around: Långfredagen, Pingstafton, Midsommarafton, Julafton and Nyårsafton,
  each with ``day_before`` (the window of storhelg OB starts at 18:00 on that day) and
  ``first_weekday_after`` (the first Monday–Friday after the storhelg day that is not a
  holiday of :func:`holiday_frame`; the window ends at 07:00 on that day. For Easter this is
  the Tuesday after Annandag påsk, for Christmas the first weekday after Annandag jul). The
  window itself (times of day, categories, amounts) is the OB module's business, not this one's.
  Pingstafton is not in the ``holidays`` package; it is computed as the day before Pingstdagen.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import holidays
import polars as pl

#: The storhelg days, in calendar order within a year.
STORHELG_DAYS = ("Långfredagen", "Pingstafton", "Midsommarafton", "Julafton", "Nyårsafton")

UNKNOWN_DAY = "okänd helgdag: {name!r} (ange en helgdags namn, t.ex. Julafton eller Pingstafton)"

_HOLIDAY_SCHEMA = {"date": pl.Date(), "name": pl.String()}
_STORHELG_SCHEMA = {
    "name": pl.String(),
    "date": pl.Date(),
    "day_before": pl.Date(),
    "first_weekday_after": pl.Date(),
}


_SWEDEN_MODULE = "holidays.countries.sweden"


@cache
def _sweden_class() -> Any:
    """``holidays.Sweden``, the same class, without the package's import of every country.

    ``holidays.Sweden`` is looked up lazily by importing ``holidays.countries``, whose
    ``__init__`` imports all ~280 country modules (0.1 s of a figure run's first holiday).
    The Swedish module needs none of them (its imports are absolute, its translations found
    by the country code), so it is loaded on its own under its own name: a later import of
    ``holidays.countries`` finds it there and uses this very module. Any surprise (another
    layout of the package) falls back to the ordinary lookup.
    """
    module = sys.modules.get(_SWEDEN_MODULE)
    if module is None and "holidays.countries" not in sys.modules:
        try:
            path = Path(holidays.__file__).parent / "countries" / "sweden.py"
            spec = importlib.util.spec_from_file_location(_SWEDEN_MODULE, path)
            if spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                sys.modules[_SWEDEN_MODULE] = module
                spec.loader.exec_module(module)
        except Exception:  # anything unexpected: the package's own way below
            sys.modules.pop(_SWEDEN_MODULE, None)
            module = None
    sweden = getattr(module, "Sweden", None)
    return sweden if sweden is not None else holidays.Sweden


@lru_cache(maxsize=256)
def _year_holidays(year: int) -> tuple[tuple[dt.date, str], ...]:
    cal = _sweden_class()(
        years=year,
        categories=("public", "de_facto"),
        language="sv",
        include_sundays=False,
    )
    # A date can carry two names in principle; ``get_list`` keeps each name separate, and we
    # join them so every date is one row.
    return tuple(sorted((d, "; ".join(cal.get_list(d))) for d in cal))


def _years(years: int | Iterable[int]) -> list[int]:
    if isinstance(years, int):
        return [years]
    return sorted(set(int(y) for y in years))


def holiday_frame(years: int | Iterable[int]) -> pl.DataFrame:
    """Holidays (public and de facto, eves included) of ``years``: columns ``date``, ``name``."""
    rows = [row for y in _years(years) for row in _year_holidays(y)]
    return pl.DataFrame(
        {"date": [r[0] for r in rows], "name": [r[1] for r in rows]}, schema=_HOLIDAY_SCHEMA
    )


def holiday_name(day: dt.date) -> str | None:
    """The Swedish name of the holiday on ``day``, or None."""
    if isinstance(day, dt.datetime):
        raise TypeError("holiday_name expects a date, not a datetime")
    for d, name in _year_holidays(day.year):
        if d == day:
            return name
    return None


def is_holiday(day: dt.date) -> bool:
    """True when ``day`` is a public or de facto holiday (Sundays as such are not)."""
    return holiday_name(day) is not None


def is_holiday_expr(expr: pl.Expr | str, years: int | Iterable[int]) -> pl.Expr:
    """Vectorised :func:`is_holiday` for a Date column (or the local date of a datetime).

    ``years`` must cover the dates of the column; dates outside them are reported as not
    holidays, so pass e.g. ``range(first_year, last_year + 1)`` of the data.
    """
    col = pl.col(expr) if isinstance(expr, str) else expr
    dates = holiday_frame(years)["date"]
    return col.dt.date().is_in(dates.implode())


def named_day(year: int, name: str) -> dt.date:
    """The date of the holiday ``name`` in ``year``, or of the eve ``name`` ("Pingstafton"):
    the day before the holiday "…dagen" ("Pingstdagen")."""
    by_name = {n: d for d, n in _year_holidays(year)}
    if name in by_name:
        return by_name[name]
    if name.endswith("afton") and f"{name[: -len('afton')]}dagen" in by_name:
        return by_name[f"{name[: -len('afton')]}dagen"] - dt.timedelta(days=1)
    raise ValueError(UNKNOWN_DAY.format(name=name))


def storhelg_frame(
    years: int | Iterable[int], names: Iterable[str] = STORHELG_DAYS
) -> pl.DataFrame:
    """Storhelg days of ``years``: ``name``, ``date``, ``day_before``, ``first_weekday_after``.

    ``names`` are the storhelg days by name (the rate set's data, ``rates.toml``): a holiday's
    name, or an eve ("Pingstafton", "Påskafton") = the day before the holiday "…dagen". All
    three date columns are ``pl.Date``; rows sorted by ``date``.
    """
    wanted = tuple(names)
    ys = _years(years)
    if not ys:
        return pl.DataFrame(schema=_STORHELG_SCHEMA)
    # The next year's holidays are needed to find the first weekday after Nyårsafton.
    known = {d for y in [*ys, ys[-1] + 1] for d, _ in _year_holidays(y)}

    def first_weekday_after(day: dt.date) -> dt.date:
        d = day + dt.timedelta(days=1)
        while d.weekday() >= 5 or d in known:
            d += dt.timedelta(days=1)
        return d

    rows: list[tuple[str, dt.date]] = []
    for y in ys:
        rows.extend((name, named_day(y, name)) for name in wanted)
    rows.sort(key=lambda r: r[1])
    return pl.DataFrame(
        {
            "name": [r[0] for r in rows],
            "date": [r[1] for r in rows],
            "day_before": [r[1] - dt.timedelta(days=1) for r in rows],
            "first_weekday_after": [first_weekday_after(r[1]) for r in rows],
        },
        schema=_STORHELG_SCHEMA,
    )
