"""Action plans (handlingsplaner), their measures (åtgärder) and follow-ups (uppföljningar).

Units and cases are kept as codes, not foreign keys, as in ``accounts.UnitAccess``: a plan is
a document of its own and must survive an import being undone and redone.

Texts that the documents show as lists (description, opportunities, risks) are plain text:
one paragraph per line, a line starting with "- " is a bullet.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from timbalans.plans.kpis import KPI_CHOICES


class ActionPlan(models.Model):
    class Level(models.TextChoices):
        DEPARTMENT = "department", "Avdelning"
        UNIT = "unit", "Enhet"
        CASE = "case", "Ärende"

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        ACTIVE = "active", "Pågående"
        CLOSED = "closed", "Avslutad"

    level = models.CharField(max_length=12, choices=Level.choices)
    unit_id = models.CharField(max_length=50, blank=True, db_index=True)  # "" for the department
    case_id = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=300)
    owner = models.CharField("ansvarig", max_length=200, blank=True)
    period_start = models.DateField("period från")
    period_end = models.DateField("period till")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("sammanfattning", blank=True)
    # The date the baselines were measured on when the plan was made.
    baseline_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_id", "level", "case_id", "-period_start", "-id"]
        verbose_name = "handlingsplan"
        verbose_name_plural = "handlingsplaner"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="department", unit_id="", case_id="")
                    | (models.Q(level="unit", case_id="") & ~models.Q(unit_id=""))
                    | (models.Q(level="case") & ~models.Q(unit_id="") & ~models.Q(case_id=""))
                ),
                name="plan_level_scope",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField()
    name = models.CharField("namn på åtgärd", max_length=300)
    description = models.TextField("beskrivning", blank=True)
    start_date = models.DateField("startdatum")
    # Expected economic effect in kronor as ranges; empty where the measure saves nothing.
    effect_current_low = models.IntegerField("effekt innevarande år, från", null=True, blank=True)
    effect_current_high = models.IntegerField("effekt innevarande år, till", null=True, blank=True)
    effect_full_low = models.IntegerField("effekt helår, från", null=True, blank=True)
    effect_full_high = models.IntegerField("effekt helår, till", null=True, blank=True)
    effect_text = models.TextField("ekonomisk effekt (text)", blank=True)
    opportunities = models.TextField("möjligheter", blank=True)
    risks = models.TextField("risker", blank=True)
    kpi = models.CharField("nyckeltal", max_length=20, choices=KPI_CHOICES)
    # Measure 2 follows the cases named when it was made, not whichever are worst later.
    kpi_cases = models.JSONField(default=list, blank=True)
    baseline_date = models.DateField("baslinje per")
    baseline_value = models.FloatField("baslinje", null=True, blank=True)
    baseline_cost = models.FloatField("baslinje (kr)", null=True, blank=True)
    target_value = models.FloatField("mål", null=True, blank=True)
    responsible = models.CharField("ansvarig", max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = "åtgärd"
        verbose_name_plural = "åtgärder"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="measure_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class FollowUp(models.Model):
    """One follow-up of a measure. The KPI values are captured from the data on ``date`` and
    stored: a later import changes the figures, never what a follow-up recorded."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Ej påbörjad"
        ON_TRACK = "on_track", "Enligt plan"
        DELAYED = "delayed", "Försenad"
        DONE = "done", "Genomförd"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField("datum")
    status = models.CharField(max_length=12, choices=Status.choices)
    comment = models.TextField("kommentar", blank=True)
    kpi_value = models.FloatField(null=True, blank=True)
    kpi_cost = models.FloatField(null=True, blank=True)
    kpi_parts = models.JSONField(default=dict, blank=True)
    # The newest import in force when the value was captured, to say which data it came from.
    data_batch = models.PositiveIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["measure", "date", "id"]
        verbose_name = "uppföljning"
        verbose_name_plural = "uppföljningar"

    def __str__(self) -> str:
        return f"{self.measure} {self.date}"
