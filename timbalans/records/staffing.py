"""Staffing proposals from the database, and booking a candidate on an open shift.

Selectors (reads) for the coordinator page and the command line:

* :func:`staffing_open_shifts`: the open shifts of some units in a horizon;
* :func:`staffing_candidates`: one open shift's ranking (candidates with reasons, the
  excluded with the rule);
* :func:`staffing_fill`: the CP-SAT proposal for a horizon next to the greedy baseline. It
  runs up to the time limit: call it from a background job, never inside a web request.

Service (write): :func:`staffing_book` writes the booked shift as a row of the current data
(a one-row batch that replaces the open row, so ``undo-import`` reverses it like any import)
and records the booking in the audit trail. It checks the hard rules again first.

The candidates come from ``Config.pool`` around the shifts' units (by default their
department). ``units`` limits the shifts, not the pool: a caller showing a user only their
own units' staff passes ``Config(pool="unit")``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from timbalans.figures.frames import Frames
from timbalans.records import models as m
from timbalans.records.frames import frames_load
from timbalans.records.selectors import figure_settings_load
from timbalans.records.services import data_writes_one, user_label
from timbalans.staffing.candidates import instance_from_frames
from timbalans.staffing.fill import Fill, fill
from timbalans.staffing.instance import Config, Instance, OpenShift
from timbalans.staffing.open_shifts import open_shifts
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.rank import Ranking, rank_shift

SHIFT_NOT_OPEN = "Passet {id} är inte ett öppet pass efter {as_of}."
UNKNOWN_UNIT = "Enheten {unit} finns inte."
NOT_A_CANDIDATE = "{employee} är inte kandidat för passet {id}."
EXCLUDED = "{employee} kan inte ta passet {id}: {reason}."
BOOKED_SOURCE = "bemanning: pass {id} bokat på {employee} ({tier})"

_SYNTHETIC = re.compile(r"^(?P<case>.+)-(?P<stamp>\d{12})(?:-\d+)?$")


class StaffingError(Exception):
    """A request the staffing functions refuse; the message says why, in Swedish."""


def _as_of(as_of: dt.date | None) -> dt.date:
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
    return frames_load(units=_pool_units(units, config))


def staffing_open_shifts(
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    units: set[str] | None = None,
    as_of: dt.date | None = None,
) -> list[OpenShift]:
    """The open shifts of ``units`` (None: all) starting after D in ``first``..``last``."""
    frames = frames_load(units=units)
    return open_shifts(
        frames,
        as_of=_as_of(as_of),
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
    config = config or Config()
    day = _as_of(as_of)
    unit = _unit_of_shift(shift_id)
    if unit is None:
        raise StaffingError(SHIFT_NOT_OPEN.format(id=shift_id, as_of=day.isoformat()))
    instance = instance_from_frames(
        _frames({unit}, config),
        as_of=day,
        settings=figure_settings_load(),
        config=config,
        units={unit},
        shift_ids={shift_id},
    )
    if not instance.shifts:
        raise StaffingError(SHIFT_NOT_OPEN.format(id=shift_id, as_of=day.isoformat()))
    return instance


def staffing_candidates(
    *, shift_id: str, as_of: dt.date | None = None, config: Config | None = None
) -> Ranking:
    """One open shift's candidates in the priority order with reasons, and the excluded."""
    config = config or Config()
    instance = staffing_instance(shift_id=shift_id, as_of=as_of, config=config)
    return rank_shift(Prepared(instance, config), shift_id)


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
    config = config or Config()
    day = _as_of(as_of)
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


@transaction.atomic
def staffing_book(
    *,
    shift_id: str,
    employee_id: str,
    user: Any = None,
    as_of: dt.date | None = None,
    config: Config | None = None,
) -> m.Shift:
    """Book ``employee_id`` on the open shift ``shift_id``: the rules are checked again, the
    open row is replaced by a booked one in a new batch, and the booking is audited."""
    from timbalans.accounts.models import AuditEvent
    from timbalans.accounts.services import audit_log

    data_writes_one()
    ranking = staffing_candidates(shift_id=shift_id, as_of=as_of, config=config)
    chosen = next((c for c in ranking.candidates if c.employee_id == employee_id), None)
    if chosen is None:
        excluded = next((e for e in ranking.excluded if e.employee_id == employee_id), None)
        if excluded is not None:
            raise StaffingError(
                EXCLUDED.format(employee=employee_id, id=shift_id, reason=excluded.reason)
            )
        raise StaffingError(NOT_A_CANDIDATE.format(employee=employee_id, id=shift_id))
    shift = ranking.shift
    rows = m.Shift.objects.select_for_update().filter(
        case__case_id=shift.case_id,
        start=shift.start,
        end=shift.end,
        replaced_by__isnull=True,
    )
    rows = (
        rows.filter(employee__employee_id=shift.absent_employee_id)
        if shift.absent_employee_id
        else rows.filter(employee__isnull=True)
    )
    if shift.shift_id:
        rows = rows.filter(shift_id=shift.shift_id)
    row = rows.order_by("pk").first()
    if row is None:  # changed since it was read
        raise StaffingError(SHIFT_NOT_OPEN.format(id=shift_id, as_of=_as_of(as_of).isoformat()))
    employee = m.Employee.objects.get(employee_id=employee_id)
    batch = m.ImportBatch.objects.create(
        created_by=user if getattr(user, "is_authenticated", False) else None,
        created_by_name=user_label(user),
        source=BOOKED_SOURCE.format(id=shift_id, employee=employee_id, tier=chosen.tier_label),
        files=[],
        rows={"shifts": 1},
        replaced={"shifts": 1},
        changed={},
    )
    row.replaced_by = batch
    row.save(update_fields=["replaced_by"])
    booked = m.Shift.objects.create(
        batch=batch,
        month=row.month,
        shift_id=row.shift_id,
        case=row.case,
        employee=employee,
        start=row.start,
        end=row.end,
        break_minutes=row.break_minutes,
        kind=row.kind,
    )
    audit_log(
        user=user,
        action=AuditEvent.Action.BOOKING,
        target=f"pass {shift_id}",
        detail={
            "employee_id": employee_id,
            "case_id": shift.case_id,
            "start": shift.start.isoformat(),
            "end": shift.end.isoformat(),
            "reason": shift.reason,
            "absent_employee_id": shift.absent_employee_id,
            "tier": chosen.tier,
            "cost_sek": chosen.cost_sek,
            "batch": batch.pk,
        },
    )
    return booked


__all__ = [
    "StaffingError",
    "staffing_book",
    "staffing_candidates",
    "staffing_fill",
    "staffing_instance",
    "staffing_open_shifts",
]
