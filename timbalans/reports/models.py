"""A board report (återrapportering) with its editable texts. The figures are not stored:
they are written from the data on the report's date every time the document is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Report(models.Model):
    class Kind(models.TextChoices):
        BOARD = "aterrapportering", "Återrapportering"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BOARD)
    unit_id = models.CharField(max_length=50, blank=True)  # "" for the whole department
    as_of = models.DateField("underlag per")
    title = models.CharField("rubrik", max_length=300)
    case_description = models.TextField("ärendebeskrivning", blank=True)
    statement = models.TextField("förvaltningens yttrande", blank=True)
    focus = models.TextField("fortsatt fokus", blank=True)
    economic_assessment = models.TextField("ekonomisk bedömning", blank=True)
    decision_proposal = models.TextField("förslag till beslut", blank=True)
    send_to = models.TextField("beslutet ska skickas till", blank=True)
    signatures = models.TextField("underskrifter", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = "rapport"
        verbose_name_plural = "rapporter"

    def __str__(self) -> str:
        return f"{self.title} ({self.as_of})"
