"""The canonical tables of ``spec/data.md`` and the import batches that wrote them.

Reference tables (units, cases, decisions, employees, employments, accounts) are upserted by
their keys; every change is kept in ``RecordChange`` so an import can be undone. Time tables
(shifts, worked, absences, ledger, fk_reports) are never updated in place: a newer import marks
the rows it replaces with ``replaced_by`` and adds its own, so the current state is the rows
with ``replaced_by`` empty and undo only has to flip that mark back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from timbalans.ingest import schema as s


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", "genomförd"
        UNDONE = "undone", "ångrad"

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=500)
    files = models.JSONField(default=list)  # [{name, table, format, sha256, rows}]
    rows = models.JSONField(default=dict)  # table -> rows written
    replaced = models.JSONField(default=dict)  # table -> rows replaced (time tables)
    changed = models.JSONField(default=dict)  # table -> reference rows created or updated
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_name = models.CharField(max_length=150, blank=True)
    # The mapping profiles the files were read with:
    # [{name, version (saved version or null for a file), sha256, source, files: [names]}]
    profiles = models.JSONField(default=list)

    class Meta:
        ordering = ["-id"]
        verbose_name = "import"
        verbose_name_plural = "importer"

    def __str__(self) -> str:
        return f"Import {self.pk}"

    @property
    def number(self) -> int:
        return int(self.pk)


class MappingProfile(models.Model):
    """A mapping profile saved in the web app (ingest/profiles.py); its TOML text lives in
    its versions, every saved version kept with its checksum."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "mappningsprofil"
        verbose_name_plural = "mappningsprofiler"

    def __str__(self) -> str:
        return self.name


class MappingProfileVersion(models.Model):
    profile = models.ForeignKey(MappingProfile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique")
        ]
        verbose_name = "profilversion"
        verbose_name_plural = "profilversioner"

    def __str__(self) -> str:
        return f"{self.profile.name} version {self.number}"


class RecordChange(models.Model):
    """One reference row created or updated by a batch, with its values before."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    table = models.CharField(max_length=20)
    row_id = models.BigIntegerField()
    before = models.JSONField(null=True)  # null: the batch created the row

    class Meta:
        indexes = [models.Index(fields=["batch", "table"])]

    def __str__(self) -> str:
        return f"{self.table} {self.row_id} (import {self.batch_id})"


class Unit(models.Model):
    unit_id = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    cost_center = models.CharField(max_length=50, db_index=True)
    department = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.unit_id} {self.name}"


class Case(models.Model):
    case_id = models.CharField(max_length=50, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases")
    service = models.CharField(max_length=20, choices=_choices(s.SERVICES))
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="case_end_after_start",
            ),
            models.CheckConstraint(condition=Q(service__in=s.SERVICES), name="case_service_valid"),
        ]

    def __str__(self) -> str:
        return self.case_id


class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    payer = models.CharField(max_length=10, choices=_choices(s.PAYERS))
    hours_per_week = models.DecimalField(max_digits=8, decimal_places=2)
    double_hours_per_week = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # null: until further notice
    period_start = models.DateField()
    period_months = models.PositiveSmallIntegerField(default=6)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "valid_from"], name="decision_key"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="decision_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(period_months__gte=1) & Q(period_months__lte=6),
                name="decision_period_months_1_6",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=168),
                name="decision_hours_in_week",
            ),
            models.CheckConstraint(
                condition=Q(double_hours_per_week__isnull=True)
                | Q(double_hours_per_week__lte=F("hours_per_week")),
                name="decision_double_within_granted",
            ),
            models.CheckConstraint(condition=Q(payer__in=s.PAYERS), name="decision_payer_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.payer} {self.valid_from}–{self.valid_to or 'tills vidare'}"


class Employee(models.Model):
    employee_id = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees")

    def __str__(self) -> str:
        return self.employee_id


class Employment(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="employments")
    form = models.CharField(max_length=20, choices=_choices(s.FORMS))
    employment_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    full_time_hours_per_week = models.DecimalField(max_digits=6, decimal_places=2, default=40)
    monthly_salary = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    hourly_wage = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=_choices(s.EMPLOYMENT_STATUSES), default="ordinary"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "valid_from"], name="employment_key"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="employment_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(employment_rate__isnull=True)
                | (Q(employment_rate__gte=0) & Q(employment_rate__lte=100)),
                name="employment_rate_percent",
            ),
            models.CheckConstraint(condition=Q(form__in=s.FORMS), name="employment_form_valid"),
            models.CheckConstraint(
                condition=Q(status__in=s.EMPLOYMENT_STATUSES), name="employment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.form} från {self.valid_from}"


class Account(models.Model):
    account = models.CharField(max_length=50, unique=True)  # an account or a range 5010-5099
    category = models.CharField(max_length=30, choices=_choices(s.CATEGORIES))
    structural = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=s.CATEGORIES), name="account_category_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.category}"


class TimeRow(models.Model):
    """A row of a time table, written by one batch and possibly replaced by a later one.

    ``batch`` and ``replaced_by`` have no database constraint: only the services of this app
    write them (import, undo, a staffing booking), always with a batch they hold inside the
    same transaction, and batches are never deleted. A constraint would cost a trigger per row
    of every import (docs/design.md, "Writing"). ``replaced_by`` is indexed only where set,
    for undo; the single-column indexes of ``case`` and ``employee`` are left out because each
    time table has a composite index that starts with that column.
    """

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    replaced_by = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    month = models.CharField(max_length=7)  # local YYYY-MM of the start; the replacement unit

    class Meta:
        abstract = True


def _replaced_index(prefix: str) -> models.Index:
    return models.Index(
        fields=["replaced_by"],
        condition=Q(replaced_by__isnull=False),
        name=f"{prefix}_replaced_by",
    )


def _interval_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(end__gt=F("start")), name=f"{prefix}_end_after_start"),
        models.CheckConstraint(condition=Q(break_minutes__gte=0), name=f"{prefix}_break_positive"),
    ]


class Shift(TimeRow):
    shift_id = models.CharField(max_length=50, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", db_index=False)
    employee = models.ForeignKey(
        Employee, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    break_minutes = models.IntegerField(default=0)
    kind = models.CharField(max_length=10, choices=_choices(s.SHIFT_KINDS), default="assistance")

    class Meta:
        constraints = _interval_constraints("shift")
        indexes = [
            models.Index(fields=["case", "start"], name="shift_case_start"),
            models.Index(fields=["month", "case"], name="shift_month_case"),
            models.Index(fields=["employee", "start"], name="shift_employee_start"),
            _replaced_index("shift"),
        ]

    def __str__(self) -> str:
        return f"pass {self.case_id} {self.start:%Y-%m-%d %H:%M}"


class Worked(TimeRow):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", db_index=False)
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    break_minutes = models.IntegerField(default=0)
    time_type = models.CharField(max_length=20, choices=_choices(s.TIME_TYPES))

    class Meta:
        constraints = _interval_constraints("worked")
        indexes = [
            models.Index(fields=["case", "start"], name="worked_case_start"),
            models.Index(fields=["month", "case"], name="worked_month_case"),
            models.Index(fields=["employee", "start"], name="worked_employee_start"),
            _replaced_index("worked"),
        ]

    def __str__(self) -> str:
        return f"utfall {self.case_id} {self.start:%Y-%m-%d %H:%M}"


class Absence(TimeRow):
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    start = models.DateTimeField()
    end = models.DateTimeField()  # exclusive; a whole-day range ends at 00:00 the day after
    whole_days = models.BooleanField(default=True)
    type = models.CharField(max_length=12, choices=_choices(s.ABSENCE_TYPES))
    extent_percent = models.DecimalField(max_digits=6, decimal_places=2, default=100)
    hours = models.DecimalField(max_digits=10, decimal_places=2, null=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="absence_end_after_start"),
            models.CheckConstraint(
                condition=Q(extent_percent__gte=0) & Q(extent_percent__lte=100),
                name="absence_extent_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["employee", "start"], name="absence_employee_start"),
            models.Index(fields=["month", "employee"], name="absence_month_employee"),
            _replaced_index("absence"),
        ]

    def __str__(self) -> str:
        return f"frånvaro {self.employee_id} {self.type} {self.start:%Y-%m-%d}"


class LedgerEntry(TimeRow):
    cost_center = models.CharField(max_length=50)
    case = models.ForeignKey(
        Case, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    account = models.CharField(max_length=50)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "month"], name="ledger_case_month"),
            models.Index(fields=["month", "cost_center"], name="ledger_month_center"),
            _replaced_index("ledger"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.cost_center} {self.account} {self.amount}"


class FkReport(TimeRow):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", db_index=False)
    reported_hours = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(fields=["case", "month"], name="fkreport_case_month"),
            _replaced_index("fkreport"),
        ]

    def __str__(self) -> str:
        return f"tidredovisning {self.case_id} {self.month}"


class BudgetEntry(TimeRow):
    """A row of budget.csv: a time table replaced per month and cost centre like the ledger."""

    cost_center = models.CharField(max_length=50)
    case = models.ForeignKey(
        Case, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    category = models.CharField(max_length=30, choices=_choices(s.BUDGET_CATEGORIES))
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        indexes = [
            models.Index(fields=["month", "cost_center"], name="budget_month_center"),
            _replaced_index("budget"),
        ]

    def __str__(self) -> str:
        return f"budget {self.month} {self.cost_center} {self.category} {self.amount}"


class Setting(models.Model):
    """A figure setting changed from its default (see timbalans/figures/defaults.toml)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField()
    changed_at = models.DateTimeField(auto_now=True)
    changed_by_name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class SettingChange(models.Model):
    """Who changed a setting, when, from what to what."""

    key = models.CharField(max_length=100)
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.key}: {self.old} -> {self.new}"


class Rate(models.Model):
    """A rate (sats) value entered by the department, from a date (see core/rates.toml).

    It is laid over the shipped defaults by ``timbalans.records.rates.rate_set_load``: a row
    with the same key and date replaces the shipped value, another date adds a change.
    """

    key = models.CharField(max_length=100)
    valid_from = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=6)
    note = models.CharField(max_length=500, blank=True)
    example = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["key", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["key", "valid_from"], name="rate_key_from")]
        verbose_name = "sats"
        verbose_name_plural = "satser"

    def __str__(self) -> str:
        return f"{self.key} från {self.valid_from}: {self.value}"


class RateChange(models.Model):
    """Who changed a rate, when, from what to what (old = the value in force on that date)."""

    key = models.CharField(max_length=100)
    valid_from = models.DateField()
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "ändring av sats"
        verbose_name_plural = "ändringar av satser"

    def __str__(self) -> str:
        return f"{self.key} från {self.valid_from}: {self.old} -> {self.new}"


class BackgroundWork(models.Model):
    """The process a background job runs in (``web.processes``): a job whose process is
    gone is failed, and only such a job. Here, below every app with such jobs (web's import
    jobs, rostering's staffing runs), so none of them imports another for it."""

    worker_host = models.CharField(max_length=255, blank=True)
    worker_boot_id = models.CharField(max_length=64, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    worker_started = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True
