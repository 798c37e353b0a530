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
    # The header of the tjänsteskrivelse: which board, its registration number, the date of the
    # document (empty: the day it is made) and the officer who wrote it.
    board = models.CharField("nämnd", max_length=200, blank=True)
    reference = models.CharField("diarienummer", max_length=100, blank=True)
    document_date = models.DateField(
        "datum", null=True, blank=True, help_text="Tomt: dagen dokumentet tas fram."
    )
    officer = models.CharField("handläggare", max_length=200, blank=True)
    title = models.CharField("rubrik", max_length=300)
    case_description = models.TextField("ärendebeskrivning", blank=True)
    statement = models.TextField("förvaltningens yttrande", blank=True)
    focus = models.TextField("fortsatt fokus", blank=True)
    economic_assessment = models.TextField("ekonomisk bedömning", blank=True)
    decision_proposal = models.TextField("förslag till beslut", blank=True)
    send_to = models.TextField("beslutet ska skickas till", blank=True)
    # One signatory a line ("Namn, titel" or the title alone).
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
