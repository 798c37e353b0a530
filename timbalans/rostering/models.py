"""Staffing's stored state: the batch proposals computed in the background and each case's
continuity rule. Both tables were web's (``web_staffingrun``, ``web_casestaffingrule``) until
migration ``rostering.0001`` took them over with their rows."""

from __future__ import annotations

from django.db import models

from timbalans.records.models import BackgroundWork


class StaffingRun(BackgroundWork):
    """A batch staffing proposal (CP-SAT against greedy) computed in the background."""

    class Status(models.TextChoices):
        RUNNING = "running", "Beräknas"
        DONE = "done", "Klar"
        FAILED = "failed", "Misslyckades"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by_name = models.CharField(max_length=150)
    unit_ids = models.JSONField(default=list)  # empty = every unit the user may see
    first = models.DateField()
    last = models.DateField()
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    result = models.JSONField(null=True, blank=True)  # staffing.fill.Fill as JSON
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Bemanningsförslag {self.pk} ({self.status})"


class CaseStaffingRule(models.Model):
    """Continuity for one client: only assistants who worked in the case within
    ``window_days`` may be proposed (``known_only``); set by coordinators and unit managers."""

    case_id = models.CharField(max_length=50, unique=True)
    known_only = models.BooleanField(default=False)
    window_days = models.PositiveIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by_name = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"{self.case_id}: {'endast kända' if self.known_only else 'alla'}"


class Booking(models.Model):
    """One open shift booked on an employee from the coordinator's pages.

    The booked shift itself is a row of the current data written by ``batch`` (so an undo is
    the batch's undo); this row is the record of what was booked, with the tier and the cost
    it was booked at, kept after an undo for the booking's page. A whole proposal booked at
    once ("Boka alla") is one batch with one row per shift and its ``run``."""

    batch = models.ForeignKey(
        "records.ImportBatch", on_delete=models.CASCADE, related_name="bookings"
    )
    run = models.ForeignKey(
        StaffingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    shift_id = models.CharField(max_length=100)  # the open shift's id on the pages
    case_id = models.CharField(max_length=50)
    unit_id = models.CharField(max_length=50)
    employee_id = models.CharField(max_length=50)
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=20)  # unassigned or absent_employee
    tier = models.PositiveSmallIntegerField()
    cost_sek = models.FloatField()

    class Meta:
        ordering = ["batch_id", "start", "shift_id"]

    def __str__(self) -> str:
        return f"Bokning {self.shift_id}: {self.employee_id}"
