"""Import jobs started from the Import page: they run in the background and the page
follows them, so a long import survives a reload of the page."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from timbalans.records.models import BackgroundWork


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


class PagePreference(models.Model):
    """What a user chose on a page, kept between visits and logins: a page's last filters
    and sort order (``filters:<view name>``: the query string) and a wide table's extra
    columns shown (``columns:<table name>``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="page_preferences"
    )
    key = models.CharField(max_length=200)
    value = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="page_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"
