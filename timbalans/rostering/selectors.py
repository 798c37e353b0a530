"""Staffing's reads from the database, for the coordinator's page, the background proposal
and the command line:

* :func:`staffing_config_load`: the one place a ``Config`` is built from what is stored
  (each case's continuity rule), so every path proposes under the same rules;
* :func:`staffing_open_shifts`: the open shifts of some units in a horizon;
* :func:`staffing_candidates`: one open shift's ranking (candidates with reasons, the
  excluded with the rule); :func:`staffing_candidates_cached` the same for a page, cached
  per data version;
* :func:`staffing_fill`: the CP-SAT proposal for a horizon next to the greedy baseline. It
  runs up to the time limit: call it from a background job, never inside a web request.

* :func:`staffing_bookings_recent`, :func:`staffing_booking_get`: what was booked (one shift
  or a whole proposal per batch), for the bookings' pages.

The writes (booking, a case's rule, a background run) are in ``rostering.services``.

The data are the figure cache's frames (``frames_cached``: loaded once per data version in a
process, from the files every process shares): a booking or its undo is a batch, which makes a
new version, so the next read sees it.

The candidates come from ``Config.pool`` around the shifts' units (by default their
department). ``units`` limits the shifts, not the pool: a caller showing a user only their
own units' staff passes ``Config(pool="unit")``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from timbalans.figures.frames import Frames
from timbalans.records import models as m
from timbalans.records.figure_cache import figure_result_cached, frames_cached
from timbalans.records.selectors import figure_settings_load
from timbalans.rostering.models import Booking, CaseStaffingRule, StaffingRun
from timbalans.staffing.candidates import instance_from_frames
from timbalans.staffing.fill import Fill, fill
from timbalans.staffing.instance import CaseRule, Config, Instance, OpenShift, Pool
from timbalans.staffing.open_shifts import open_shifts
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.rank import Ranking, rank_shift

SHIFT_NOT_OPEN = "Passet {id} är inte ett öppet pass efter {as_of}."
UNKNOWN_UNIT = "Enheten {unit} finns inte."

_SYNTHETIC = re.compile(r"^(?P<case>.+)-(?P<stamp>\d{12})(?:-\d+)?$")


class StaffingError(Exception):
    """A request the staffing functions refuse; the message says why, in Swedish."""


def staffing_config_load(
    *, pool: Pool | None = None, values: dict[str, Any] | None = None
) -> Config:
    """The staffing ``Config`` with each case's stored continuity rule (``CaseStaffingRule``)
    and the working-time limits of the figure settings (``limit_*_hours``, ``daily_rest_hours``,
    ``weekly_rest_hours``: the same values the ``limits`` table checks worked time against).

    ``values`` are settings given by the caller (the command's ``--config`` file and
    ``--time-limit``); a case the values set in ``cases`` keeps that rule over the stored one,
    as the caller asked for it. ``pool`` (the user's reach on the page) wins over the values.
    Raises ``ValueError`` (pydantic's) for values that are not a valid ``Config``."""
    values = {**_limit_values(), **(values or {})}
    stored = {
        r.case_id: CaseRule(known_only=r.known_only, window_days=r.window_days)
        for r in CaseStaffingRule.objects.all()
    }
    values["cases"] = {**stored, **values.get("cases", {})}
    if pool is not None:
        values["pool"] = pool
    return Config(**values)


def _limit_values() -> dict[str, float]:
    """The stored working-time limits under the staffing ``Config``'s names."""
    settings = figure_settings_load()
    return {
        "overtime_4w_hours": settings.limit_overtime_4w_hours,
        "overtime_month_hours": settings.limit_overtime_month_hours,
        "overtime_year_hours": settings.limit_overtime_year_hours,
        "additional_year_hours": settings.limit_additional_year_hours,
        "daily_rest_hours": settings.daily_rest_hours,
        "weekly_rest_hours": settings.weekly_rest_hours,
    }


def staffing_rule_get(*, case_id: str) -> CaseStaffingRule | None:
    """A case's stored continuity rule, if it has one."""
    return CaseStaffingRule.objects.filter(case_id=case_id).first()


def staffing_runs_recent(*, limit: int) -> list[StaffingRun]:
    """The newest batch proposals, newest first (the page keeps those the user may see)."""
    return list(StaffingRun.objects.order_by("-pk")[:limit])


def staffing_bookings_recent(*, limit: int) -> list[tuple[m.ImportBatch, list[Booking]]]:
    """The newest bookings, one entry per batch (one shift, or a whole proposal), newest
    first, undone ones too (the page keeps those the user may see)."""
    batches = list(
        m.ImportBatch.objects.filter(bookings__isnull=False).distinct().order_by("-pk")[:limit]
    )
    found: dict[int, list[Booking]] = {b.pk: [] for b in batches}
    for booking in Booking.objects.filter(batch_id__in=list(found)):
        found[booking.batch_id].append(booking)
    return [(b, found[b.pk]) for b in batches]


def staffing_booking_get(*, number: int) -> tuple[m.ImportBatch, list[Booking]] | None:
    """One booking's batch and its booked shifts, if the batch is a booking."""
    bookings = list(Booking.objects.filter(batch_id=number).select_related("batch"))
    return (bookings[0].batch, bookings) if bookings else None


def staffing_newest_batch() -> int | None:
    """The newest batch in force: the only one an undo takes back."""
    return (
        m.ImportBatch.objects.filter(status=m.ImportBatch.Status.APPLIED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def staffing_as_of(as_of: dt.date | None) -> dt.date:
    """D: the day given, or today."""
    return as_of if as_of is not None else timezone.localdate()


def _pool_units(units: set[str] | None, config: Config) -> set[str] | None:
    """The units whose frames are needed: the shifts' units and their pool."""
    if units is None or config.pool == "all":
        return None
    found = dict(m.Unit.objects.filter(unit_id__in=units).values_list("unit_id", "department"))
    for unit in sorted(units):
        if unit not in found:
            raise StaffingError(UNKNOWN_UNIT.format(unit=unit))
    if config.pool == "unit":
        return set(units)
    departments = {d for d in found.values() if d}
    same = m.Unit.objects.filter(department__in=departments).values_list("unit_id", flat=True)
    return set(units) | set(same)


def _frames(units: set[str] | None, config: Config) -> Frames:
    return frames_cached(units=_pool_units(units, config))


def staffing_open_shifts(
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    units: set[str] | None = None,
    as_of: dt.date | None = None,
) -> list[OpenShift]:
    """The open shifts of ``units`` (None: all) starting after D in ``first``..``last``."""
    frames = frames_cached(units=units)
    return open_shifts(
        frames,
        as_of=staffing_as_of(as_of),
        settings=figure_settings_load(),
        first=first,
        last=last,
        units=units,
    )


def _unit_of_shift(shift_id: str) -> str | None:
    """The unit of a shift by its id (the source's shift_id or ``<case>-<YYYYMMDDHHMM>``)."""
    row = (
        m.Shift.objects.filter(shift_id=shift_id, replaced_by__isnull=True)
        .values_list("case__unit__unit_id", flat=True)
        .first()
    )
    if row is not None:
        return row
    match = _SYNTHETIC.match(shift_id)
    if match is None:
        return None
    return (
        m.Case.objects.filter(case_id=match["case"]).values_list("unit__unit_id", flat=True).first()
    )


def staffing_instance(
    *, shift_id: str, as_of: dt.date | None = None, config: Config | None = None
) -> Instance:
    """The one-shift instance behind :func:`staffing_candidates`."""
    return staffing_instance_of(shift_ids=[shift_id], as_of=as_of, config=config)


def staffing_instance_of(
    *, shift_ids: list[str], as_of: dt.date | None = None, config: Config | None = None
) -> Instance:
    """The instance of some open shifts (a booking of a whole proposal) and their candidates;
    ``StaffingError`` naming the first that is not open after D."""
    config = config or staffing_config_load()
    day = staffing_as_of(as_of)
    units: set[str] = set()
    for shift_id in shift_ids:
        unit = _unit_of_shift(shift_id)
        if unit is None:
            raise StaffingError(SHIFT_NOT_OPEN.format(id=shift_id, as_of=day.isoformat()))
        units.add(unit)
    instance = instance_from_frames(
        _frames(units, config),
        as_of=day,
        settings=figure_settings_load(),
        config=config,
        units=units,
        shift_ids=set(shift_ids),
    )
    found = {s.id for s in instance.shifts}
    for shift_id in shift_ids:
        if shift_id not in found:
            raise StaffingError(SHIFT_NOT_OPEN.format(id=shift_id, as_of=day.isoformat()))
    return instance


def staffing_candidates(
    *, shift_id: str, as_of: dt.date | None = None, config: Config | None = None
) -> Ranking:
    """One open shift's candidates in the priority order with reasons, and the excluded."""
    config = config or staffing_config_load()
    instance = staffing_instance(shift_id=shift_id, as_of=as_of, config=config)
    return rank_shift(Prepared(instance, config), shift_id)


def staffing_candidates_cached(
    *, shift_id: str, as_of: dt.date | None = None, config: Config | None = None
) -> Ranking:
    """:func:`staffing_candidates` for a page, cached in this process for the current data
    version (``figure_result_cached``), D and the ``Config`` (each case's rule is not in the
    data version, so it is in the key): a shift's page asked again, with all candidates
    ("alla") or by another user with the same pool, ranks the shift once (a quarter of a CPU
    second at department scale). A booking checks the rules on an uncached ranking."""
    config = config or staffing_config_load()
    day = staffing_as_of(as_of)
    ranking: Ranking = figure_result_cached(
        key=("staffing-candidates", shift_id, day, config.model_dump_json()),
        compute=lambda: staffing_candidates(shift_id=shift_id, as_of=day, config=config),
    )
    return ranking


def staffing_fill(
    *,
    first: dt.date,
    last: dt.date,
    units: set[str] | None = None,
    as_of: dt.date | None = None,
    config: Config | None = None,
) -> Fill:
    """The CP-SAT proposal for the open shifts of ``units`` in ``first``..``last`` (after D),
    the greedy baseline on the same shifts, the saving and the check. Slow: run it off the
    request."""
    config = config or staffing_config_load()
    day = staffing_as_of(as_of)
    instance = instance_from_frames(
        _frames(units, config),
        as_of=day,
        settings=figure_settings_load(),
        config=config,
        first=first,
        last=last,
        units=units,
    )
    return fill(instance, config)


__all__ = [
    "StaffingError",
    "staffing_as_of",
    "staffing_booking_get",
    "staffing_bookings_recent",
    "staffing_candidates",
    "staffing_candidates_cached",
    "staffing_config_load",
    "staffing_fill",
    "staffing_instance",
    "staffing_instance_of",
    "staffing_newest_batch",
    "staffing_open_shifts",
    "staffing_rule_get",
    "staffing_runs_recent",
]
