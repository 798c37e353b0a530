"""Figure access: the figure tables of one scope, for every reader of figures (the pages, the
plans, the documents).

A :class:`FigureScope` is plain data, D and the units in view, made from a user's access by
:func:`figure_scope` (the one place a unit outside the user's is refused). The web app turns
a request into a scope (``web.filters.Filters.scope``); the plans and the reports make theirs
from a plan's or a report's unit and date. Below all three, so figures are read downwards
only: web → plans → reports → records.figure_access → records.figure_cache → figures.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl
from django.core.exceptions import PermissionDenied

from timbalans.accounts.access import Access
from timbalans.accounts.selectors import unit_sets_of_unit_managers
from timbalans.figures.case_days import case_days, case_staff
from timbalans.figures.registry import FIGURE_NAMES, FigureRequest
from timbalans.records import figure_cache
from timbalans.records import models as m
from timbalans.records.selectors import figure_settings_load
from timbalans.records.warmers import WARMERS

log = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today() -> dt.date:
    """Today in Stockholm: D when none is given."""
    return dt.datetime.now(STOCKHOLM).date()


@dataclass(frozen=True)
class FigureScope:
    """What figure tables are computed for: D, and the units in view (None: every unit)."""

    as_of: dt.date
    units: frozenset[str] | None = None

    @property
    def unit_set(self) -> set[str] | None:
        return None if self.units is None else set(self.units)


def figure_scope(*, access: Access, as_of: dt.date, unit: str = "") -> FigureScope:
    """The scope of a user's figures on D: the user's units, narrowed to ``unit`` when one is
    chosen (PermissionDenied for a unit the user does not see)."""
    if unit:
        if not access.sees_unit(unit):
            raise PermissionDenied
        return FigureScope(as_of=as_of, units=frozenset({unit}))
    units = None if access.unit_ids is None else frozenset(access.unit_ids)
    return FigureScope(as_of=as_of, units=units)


def units_visible(*, access: Access) -> list[dict[str, str]]:
    """The units this user sees (``unit_id``, ``name``, ``cost_center``), by code."""
    units = m.Unit.objects.order_by("unit_id").values_list("unit_id", "name", "cost_center")
    return [{"unit_id": u, "name": n, "cost_center": c} for u, n, c in units if access.sees_unit(u)]


def figure_request(
    *, as_of: dt.date, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> FigureRequest:
    """The request of a figure table on D over a range, with the department's settings."""
    return FigureRequest.make(
        as_of, date_from=date_from, date_to=date_to, settings=figure_settings_load()
    )


def figure(
    name: str,
    *,
    scope: FigureScope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    cases: set[str] | None = None,
) -> pl.DataFrame:
    """One figure table of the scope: rows of its units (and the given cases) only, served
    from the figure cache of the current data version."""
    req = figure_request(as_of=scope.as_of, date_from=date_from, date_to=date_to)
    return figure_cache.figure_table(name=name, request=req, units=scope.unit_set, cases=cases)


def figure_precomputed(name: str, *, scope: FigureScope) -> pl.DataFrame | None:
    """A precomputed table (``figure_cache.PRECOMPUTED``) of the 12 months ending D: the rows
    of the scope's units, or None while it is being computed (started when it is not).

    Computed once for every unit, so every unit's staff are candidates wherever the staffing
    pools allow, whatever the reader's scope; the reader sees the rows of their units only."""
    req = figure_request(as_of=scope.as_of)
    table = figure_cache.figure_table_ready(name=name, request=req)
    if table is None or scope.units is None:
        return table
    return table.filter(pl.col("unit_id").is_in(sorted(scope.units)))


def figure_precompute_after_change() -> None:
    """Start the precomputed tables for today after the data changed (an import), so the
    pages find them ready; only where they are computed in the background (a live server)."""
    if figure_cache.precompute_mode() != "background":
        return
    for name in figure_cache.PRECOMPUTED:
        figure_precomputed(name, scope=FigureScope(as_of=today()))


#: Tables of the case page that are not figures of the registry: the day by day of every
#: case's settlement period on D, and every case's staff from a date to D.
CASE_DAYS = "case-days"
CASE_STAFF = "case-staff"


def case_days_table(*, as_of: dt.date) -> pl.DataFrame:
    """``figures.case_days.case_days`` of every case's settlement period on D (the
    periods of ``hour-balance`` on D): computed once per data version and D for every case and
    shared by the processes through the figure cache's files, so a case page takes its case's
    rows instead of computing them. Not scoped: the caller has checked that the user sees the
    case."""
    req = figure_request(as_of=as_of)
    periods = figure_cache.figure_table(name="hour-balance", request=req).select(
        "case_id", "period_start", "period_end"
    )
    return figure_cache.figure_table(
        name=CASE_DAYS,
        request=req,
        compute=lambda frames, r: case_days(
            frames, periods=periods, as_of=r.as_of, settings=r.settings
        ),
    )


def case_staff_table(*, as_of: dt.date, date_from: dt.date) -> pl.DataFrame:
    """``figures.case_days.case_staff`` of every case from ``date_from`` to D, computed
    and shared as :func:`case_days_table` (not scoped either)."""
    req = figure_request(as_of=as_of, date_from=date_from, date_to=as_of)
    return figure_cache.figure_table(
        name=CASE_STAFF,
        request=req,
        compute=lambda frames, r: case_staff(
            frames, date_from=r.date_from, date_to=r.date_to, as_of=r.as_of
        ),
    )


def figure_tables(
    *,
    scope: FigureScope,
    specs: dict[str, tuple[str, dt.date | None, dt.date | None]],
    cases: set[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Several figure tables of one scope, ``key -> (table, from, to)``. Tables not
    implemented are left out."""
    return {
        key: figure(name, scope=scope, date_from=a, date_to=b, cases=cases)
        for key, (name, a, b) in specs.items()
        if name in FIGURE_NAMES
    }


def key_figure_specs(
    *, as_of: dt.date, economics: bool
) -> dict[str, tuple[str, dt.date | None, dt.date | None]]:
    """The tables of the key figures (``figures.key_figures``): the year to date, the
    settlement periods on D, and with ``economics`` case-economics and the forecast. The
    overview and the board report read these same tables."""
    year_from = dt.date(as_of.year, 1, 1)
    specs: dict[str, tuple[str, dt.date | None, dt.date | None]] = {
        "capacity": ("capacity", year_from, as_of),
        "overtime": ("overtime", year_from, as_of),
        "absence": ("absence", year_from, as_of),
        "hour-balance": ("hour-balance", None, None),
    }
    if economics:
        specs["case-economics"] = ("case-economics", year_from, as_of)
        specs["forecast"] = ("forecast", None, None)
    return specs


WARMED = "Nyckeltalen för D = {as_of} är beräknade i förväg ({tables} tabeller)."
WARM_FAILED = (
    "Nyckeltalen för D = {as_of} kunde inte beräknas i förväg ({error}); ändringen står kvar "
    "och nyckeltalen beräknas när någon öppnar en sida."
)


def figures_warm(*, as_of: dt.date | None = None) -> int:
    """Compute the overview's tables and the case pages' on D (today when not given) into the
    figure cache, so the first page after an import, in any server process, reads them
    instead of computing them: for every unit (the roles that see all units), then for the
    units of each unit manager; and the frames they are computed from; then the case pages'
    days and staff of every case, and what the apps above registered in ``WARMERS``. Run
    after an import and an undo; returns how many tables it made or found."""
    as_of = as_of or today()
    # The frames first: into the files too, for the pages that need them (a case's page).
    figure_cache.frames_cached()
    specs = key_figure_specs(as_of=as_of, economics=True)
    # and the case pages' periods (their economics are the overview's case-economics)
    specs["case-periods"] = ("hour-balance", dt.date(as_of.year, 1, 1), as_of)
    scopes = [FigureScope(as_of=as_of)]
    scopes += [FigureScope(as_of=as_of, units=units) for units in unit_sets_of_unit_managers()]
    made = sum(len(figure_tables(scope=scope, specs=specs)) for scope in scopes)
    # A case page's days and staff: two tables of every case (the default month range).
    case_days_table(as_of=as_of)
    case_staff_table(as_of=as_of, date_from=dt.date(as_of.year, 1, 1))
    for warm in WARMERS:
        warm(as_of)
    return made + 2


def figures_warm_reported(*, as_of: dt.date | None = None) -> str:
    """:func:`figures_warm` after a committed import or undo, which stands whatever becomes of
    it: what it made (:data:`WARMED`), or its failure, logged with its traceback and told
    in Swedish (:data:`WARM_FAILED`)."""
    as_of = as_of or today()
    try:
        return WARMED.format(as_of=as_of, tables=figures_warm(as_of=as_of))
    except Exception as exc:
        log.exception("figures warm-up")
        return WARM_FAILED.format(as_of=as_of, error=f"{type(exc).__name__}: {exc}")
