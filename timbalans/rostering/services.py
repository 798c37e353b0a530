"""Staffing's writes: booking a candidate on an open shift, a case's continuity rule, and the
batch proposal computed in the background.

:func:`staffing_book` writes the booked shift as a row of the current data (a one-row batch
that replaces the open row, so ``undo-import`` reverses it like any import) and records the
booking in the audit trail. It checks the hard rules again first.

A batch proposal is a ``StaffingRun``: :func:`staffing_run_create` records it and
:func:`staffing_run_compute` is the work (``web.jobs`` runs it in a thread of the web
process). Both the page and the run take their ``Config`` from
``selectors.staffing_config_load``, so a case's known-staff rule holds in both.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.records import models as m
from timbalans.records.services import data_writes_one, user_label
from timbalans.rostering.models import CaseStaffingRule, StaffingRun
from timbalans.rostering.selectors import (
    SHIFT_NOT_OPEN,
    StaffingError,
    staffing_as_of,
    staffing_candidates,
    staffing_config_load,
    staffing_fill,
)
from timbalans.staffing.instance import Config, Pool

log = logging.getLogger(__name__)

NOT_A_CANDIDATE = "{employee} är inte kandidat för passet {id}."
EXCLUDED = "{employee} kan inte ta passet {id}: {reason}."
BOOKED_SOURCE = "bemanning: pass {id} bokat på {employee} ({tier})"


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
        raise StaffingError(
            SHIFT_NOT_OPEN.format(id=shift_id, as_of=staffing_as_of(as_of).isoformat())
        )
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


def staffing_rule_save(
    *, case_id: str, known_only: bool, window_days: int | None, user: Any
) -> CaseStaffingRule:
    """Set a case's continuity rule (only assistants known to the client, and the window
    that makes one known), audited."""
    rule, _ = CaseStaffingRule.objects.update_or_create(
        case_id=case_id,
        defaults={
            "known_only": known_only,
            "window_days": window_days,
            "changed_by_name": user_label(user),
        },
    )
    audit_log(
        user=user,
        action=AuditEvent.Action.SETTING,
        target=f"kontinuitet ärende {case_id}",
        detail={"known_only": known_only, "window_days": window_days},
    )
    return rule


def staffing_run_create(
    *,
    user: Any,
    unit_ids: list[str],
    first: dt.date,
    last: dt.date,
    as_of: dt.date,
    worker: dict[str, Any],
) -> StaffingRun:
    """Record a batch proposal about to be computed by the process ``worker`` names (the
    fields of ``records.models.BackgroundWork``)."""
    return StaffingRun.objects.create(
        created_by_name=user_label(user),
        unit_ids=unit_ids,
        first=first,
        last=last,
        as_of=as_of,
        **worker,
    )


def staffing_run_compute(*, run_id: int, pool: Pool) -> None:
    """Compute a recorded run: the proposal under ``staffing_config_load(pool=pool)``, as the
    page's candidates are, stored as the run's result, or the error that stopped it."""
    run = StaffingRun.objects.get(pk=run_id)
    try:
        result = staffing_fill(
            first=run.first,
            last=run.last,
            units=set(run.unit_ids) or None,
            as_of=run.as_of,
            config=staffing_config_load(pool=pool),
        )
    except Exception as e:  # the run's page shows why, the thread must not die silently
        log.exception("staffing run %s", run_id)
        run.status, run.error = StaffingRun.Status.FAILED, str(e)
        run.save()
        return
    run.status = StaffingRun.Status.DONE
    run.result = result.model_dump(mode="json")
    run.save()


__all__ = [
    "BOOKED_SOURCE",
    "EXCLUDED",
    "NOT_A_CANDIDATE",
    "staffing_book",
    "staffing_rule_save",
    "staffing_run_compute",
    "staffing_run_create",
]
