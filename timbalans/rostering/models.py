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
