"""Staffing's writes: booking a candidate on an open shift, a case's continuity rule, and the
batch proposal computed in the background.

:func:`staffing_book` writes the booked shift as a row of the current data (a one-row batch
that replaces the open row, so ``undo-import`` reverses it like any import), keeps a
``Booking`` record of it and records it in the audit trail. It checks the hard rules again
first. :func:`staffing_book_proposal` books the chosen shifts of a batch proposal the same way
in one batch ("Boka alla"), and :func:`staffing_booking_undo` undoes either.

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
from timbalans.records.services import (
    UndoRefused,
    data_writes_one,
    import_batch_undo,
    user_label,
)
from timbalans.rostering.models import Booking, CaseStaffingRule, StaffingRun
from timbalans.rostering.selectors import (
    SHIFT_NOT_OPEN,
    StaffingError,
    staffing_as_of,
    staffing_candidates,
    staffing_config_load,
    staffing_fill,
    staffing_instance_of,
)
from timbalans.staffing.evaluate import solution_from_pairs
from timbalans.staffing.instance import Assignment, Config, OpenShift, Pool, Solution
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.validation import validate_solution

log = logging.getLogger(__name__)

NOT_A_CANDIDATE = "{employee} är inte kandidat för passet {id}."
EXCLUDED = "{employee} kan inte ta passet {id}: {reason}."
BOOKING_SOURCE = "bemanning: "  # how every booking's batch source begins
BOOKED_SOURCE = BOOKING_SOURCE + "pass {id} bokat på {employee} ({tier})"
PROPOSAL_SOURCE = BOOKING_SOURCE + "förslag {run}, bokade pass: {count}"
NOTHING_CHOSEN = "Välj minst ett pass att boka."
NOT_PROPOSED = "Passet {id} finns inte i förslag {run}."
PROPOSAL_NOT_DONE = "Förslag {run} är inte klart."
PROPOSAL_BREACH = "Förslaget kan inte bokas som det är nu: {breaches}."
NOT_A_BOOKING = "Import {number} är ingen bokning."


def _book_row(shift: OpenShift, employee_id: str, batch: m.ImportBatch, as_of: dt.date) -> None:
    """Replace the open shift's row by a row booked on ``employee_id``, in ``batch``."""
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
        raise StaffingError(SHIFT_NOT_OPEN.format(id=shift.id, as_of=as_of.isoformat()))
    row.replaced_by = batch
    row.save(update_fields=["replaced_by"])
    m.Shift.objects.create(
        batch=batch,
        month=row.month,
        shift_id=row.shift_id,
        case=row.case,
        employee=m.Employee.objects.get(employee_id=employee_id),
        start=row.start,
        end=row.end,
        break_minutes=row.break_minutes,
        kind=row.kind,
    )


def _record(
    *,
    user: Any,
    batch: m.ImportBatch,
    shift: OpenShift,
    employee_id: str,
    tier: int,
    cost_sek: float,
    run: StaffingRun | None = None,
) -> Booking:
    """The booking's record and its line in the audit trail."""
    audit_log(
        user=user,
        action=AuditEvent.Action.BOOKING,
        target=f"pass {shift.id}",
        detail={
            "employee_id": employee_id,
            "case_id": shift.case_id,
            "start": shift.start.isoformat(),
            "end": shift.end.isoformat(),
            "reason": shift.reason,
            "absent_employee_id": shift.absent_employee_id,
            "tier": tier,
            "cost_sek": cost_sek,
            "batch": batch.pk,
            "run": run.pk if run else None,
        },
    )
    return Booking.objects.create(
        batch=batch,
        run=run,
        shift_id=shift.id,
        case_id=shift.case_id,
        unit_id=shift.unit_id,
        employee_id=employee_id,
        start=shift.start,
        end=shift.end,
        reason=shift.reason,
        tier=tier,
        cost_sek=round(cost_sek, 2),
    )


def _batch(user: Any, source: str, count: int) -> m.ImportBatch:
    return m.ImportBatch.objects.create(
        created_by=user if getattr(user, "is_authenticated", False) else None,
        created_by_name=user_label(user),
        source=source,
        files=[],
        rows={"shifts": count},
        replaced={"shifts": count},
        changed={},
    )


@transaction.atomic
def staffing_book(
    *,
    shift_id: str,
    employee_id: str,
    user: Any = None,
    as_of: dt.date | None = None,
    config: Config | None = None,
) -> Booking:
    """Book ``employee_id`` on the open shift ``shift_id``: the rules are checked again, the
    open row is replaced by a booked one in a new batch, and the booking is recorded and
    audited."""
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
    batch = _batch(
        user, BOOKED_SOURCE.format(id=shift_id, employee=employee_id, tier=chosen.tier_label), 1
    )
    _book_row(ranking.shift, employee_id, batch, staffing_as_of(as_of))
    return _record(
        user=user,
        batch=batch,
        shift=ranking.shift,
        employee_id=employee_id,
        tier=chosen.tier,
        cost_sek=chosen.cost_sek,
    )


@transaction.atomic
def staffing_book_proposal(
    *, run: StaffingRun, shift_ids: list[str], user: Any = None, config: Config | None = None
) -> m.ImportBatch:
    """Book the chosen shifts of a batch proposal as one batch ("Boka alla"): one undo takes
    them all back. The proposal's assignments are checked again together, on the data as it
    is now, against every hard rule (``validate_solution``); any breach refuses them all, as
    does a shift no longer open. The costs recorded are the ones they are booked at now."""
    shift_ids = list(dict.fromkeys(shift_ids))  # a shift checked twice is booked once
    if run.status != StaffingRun.Status.DONE or not run.result:
        raise StaffingError(PROPOSAL_NOT_DONE.format(run=run.pk))
    if not shift_ids:
        raise StaffingError(NOTHING_CHOSEN)
    proposed = {a["shift_id"]: a["employee_id"] for a in run.result["proposal"]["assignments"]}
    for shift_id in shift_ids:
        if shift_id not in proposed:
            raise StaffingError(NOT_PROPOSED.format(id=shift_id, run=run.pk))
    data_writes_one()
    config = config or staffing_config_load()
    instance = staffing_instance_of(shift_ids=shift_ids, as_of=run.as_of, config=config)
    chosen = Solution(
        assignments=[Assignment(shift_id=s, employee_id=proposed[s]) for s in shift_ids]
    )
    breaches = validate_solution(instance, config, chosen)
    if breaches:
        text = "; ".join(f"{v.employee_id} på {', '.join(v.shift_ids)}: {v.text}" for v in breaches)
        raise StaffingError(PROPOSAL_BREACH.format(breaches=text))
    prepared = Prepared(instance, config)
    priced = solution_from_pairs(
        prepared,
        [(prepared.candidate_index[proposed[s]], prepared.shift_index[s]) for s in shift_ids],
    )
    batch = _batch(user, PROPOSAL_SOURCE.format(run=run.pk, count=len(shift_ids)), len(shift_ids))
    shifts = {s.id: s for s in instance.shifts}
    for a in priced.assignments:
        shift = shifts[a.shift_id]
        _book_row(shift, a.employee_id, batch, run.as_of)
        _record(
            user=user,
            batch=batch,
            shift=shift,
            employee_id=a.employee_id,
            tier=a.tier,
            cost_sek=a.cost_sek,
            run=run,
        )
    return batch


def staffing_booking_undo(*, number: int, user: Any = None) -> m.ImportBatch:
    """Undo a booking (one shift or a whole proposal) as its batch is undone: only while it is
    the newest batch (``import_batch_undo`` says why not), audited."""
    if not Booking.objects.filter(batch_id=number).exists():
        raise StaffingError(NOT_A_BOOKING.format(number=number))
    try:
        batch = import_batch_undo(number=number, user=user)
    except UndoRefused as e:
        raise StaffingError(str(e)) from e
    audit_log(user=user, action=AuditEvent.Action.UNDO, target=f"bokning {number}")
    return batch


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
    "BOOKING_SOURCE",
    "EXCLUDED",
    "NOTHING_CHOSEN",
    "NOT_A_BOOKING",
    "NOT_A_CANDIDATE",
    "NOT_PROPOSED",
    "PROPOSAL_BREACH",
    "PROPOSAL_NOT_DONE",
    "PROPOSAL_SOURCE",
    "staffing_book",
    "staffing_book_proposal",
    "staffing_booking_undo",
    "staffing_rule_save",
    "staffing_run_compute",
    "staffing_run_create",
]
