"""Import jobs started from the Import page: they run in the background and the page
follows them, so a long import survives a reload of the page."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BackgroundWork(models.Model):
    """The process a background job runs in (``web.processes``): a job whose process is
    gone is failed, and only such a job."""

    worker_host = models.CharField(max_length=255, blank=True)
    worker_boot_id = models.CharField(max_length=64, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    worker_started = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


class ImportJob(BackgroundWork):
    class Status(models.TextChoices):
        VALIDATING = "validating", "Kontrolleras"
        INVALID = "invalid", "Fel i filerna"
        VALID = "valid", "Kontrollerad, redo att importera"
        APPLYING = "applying", "Importeras"
        APPLIED = "applied", "Importerad"
        FAILED = "failed", "Avbruten"

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150)
    folder = models.CharField(max_length=500)
    file_names = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VALIDATING)
    problems = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    batch_number = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The saved mapping profile the files are read with (chosen on upload or in the editor).
    profile_version = models.ForeignKey(
        "records.MappingProfileVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Importjobb {self.pk} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.APPLYING}

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


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
