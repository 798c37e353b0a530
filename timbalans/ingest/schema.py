"""The canonical data set of ``shared/spec/data.md`` as data.

One definition of every table and column, used by the importer (validation), the demo
generator (column order) and the figures (frame dtypes). No Django here.

Parsed frames use these polars dtypes:

* ``text``, ``enum``, ``account`` -> ``String``
* ``date`` -> ``Date``
* ``timestamp`` -> ``Datetime("us", "Europe/Stockholm")``
* ``date_or_timestamp`` (absences) -> ``Datetime("us", "Europe/Stockholm")``, half-open:
  a date start becomes 00:00 of that day, a date end (inclusive in the file) becomes 00:00 of
  the day after. The absences frame also has ``whole_days`` (Boolean): both were dates.
* ``decimal``, ``percent`` -> ``Float64``; ``integer`` -> ``Int64``
* ``month`` -> ``String`` ``YYYY-MM``; ``yesno`` -> ``Boolean``
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

TZ = "Europe/Stockholm"
TIMESTAMP = pl.Datetime("us", TZ)

KINDS = (
    "text",
    "enum",
    "account",
    "date",
    "timestamp",
    "date_or_timestamp",
    "decimal",
    "percent",
    "integer",
    "month",
    "yesno",
)

# Every alias in spec/data.md, valid wherever its column appears.
ALIASES: dict[str, str] = {
    "enhet": "unit_id",
    "namn": "name",
    "ansvar": "cost_center",
    "avdelning": "department",
    "arende": "case_id",
    "ärende": "case_id",
    "objekt": "case_id",
    "insats": "service",
    "startdatum": "start_date",
    "slutdatum": "end_date",
    "benamning": "label",
    "benämning": "label",
    "betalare": "payer",
    "timmar_per_vecka": "hours_per_week",
    "dubbel_timmar_per_vecka": "double_hours_per_week",
    "from": "valid_from",
    "tom": "valid_to",
    "avrakning_start": "period_start",
    "avrakning_manader": "period_months",
    "timbelopp": "hourly_rate",
    "anstnr": "employee_id",
    "anstallningsform": "form",
    "sysselsattningsgrad": "employment_rate",
    "heltid_timmar": "full_time_hours_per_week",
    "manadslon": "monthly_salary",
    "timlon": "hourly_wage",
    "passid": "shift_id",
    "rast": "break_minutes",
    "typ": "kind",
    "tidtyp": "time_type",
    "orsak": "type",
    "omfattning": "extent_percent",
    "timmar": "hours",
    "period": "month",
    "konto": "account",
    "belopp": "amount",
    "kategori": "category",
    "strukturell": "structural",
    "redovisade_timmar": "reported_hours",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None  # text: the model field's max_length
    # Swedish label used in error messages and exports.
    label: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    label: str  # Swedish name of the table
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # upsert key of a reference table
    time_table: bool = False
    optional: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


SERVICES = ("assistans_sfb", "assistans_lss", "korttidsvistelse", "korttidstillsyn")
PAYERS = ("FK", "KOMMUN")
FORMS = ("monthly_permanent", "monthly_temporary", "hourly")
MONTHLY_FORMS = ("monthly_permanent", "monthly_temporary")
EMPLOYMENT_STATUSES = ("ordinary", "work_training", "reassignment", "rehabilitation")
SHIFT_KINDS = ("assistance", "on_call", "standby")
TIME_TYPES = (
    "ordinary",
    "additional",
    "overtime_simple",
    "overtime_qualified",
    "on_call",
    "standby",
)
ABSENCE_TYPES = ("sick", "child_care", "vacation", "parental", "leave", "other")
CATEGORIES = (
    "revenue_fk",
    "revenue_municipal",
    "revenue_other",
    "salary_monthly",
    "salary_hourly",
    "additional_hours",
    "overtime",
    "ob",
    "sick_pay",
    "social_fees",
    "hsl",
    "training_reassignment",
    "other_staff",
    "other",
)
REVENUE_CATEGORIES = ("revenue_fk", "revenue_municipal", "revenue_other")
# A budget row is of an account category, or the result (revenue − cost) as one figure.
BUDGET_RESULT = "result"
BUDGET_CATEGORIES = (*CATEGORIES, BUDGET_RESULT)

C = Column

# The largest value each model field holds (records/models.py), so that a value that passes
# validation is stored as given: DecimalField(max_digits=D, decimal_places=2) holds less than
# 10^(D-2). A test compares these with the fields.
MAX_DIGITS_8 = 999_999.99
MAX_DIGITS_10 = 99_999_999.99
MAX_DIGITS_12 = 9_999_999_999.99
MAX_DIGITS_14 = 999_999_999_999.99
CODE = 50  # CharField(max_length=50): codes of units, cases, employees, accounts, shifts
NAME = 200  # CharField(max_length=200): names, labels, departments
LEDGER_TEXT = 500

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "units",
            "enheter",
            (
                C("unit_id", "text", label="enhet", max_length=CODE),
                C("name", "text", label="namn", max_length=NAME),
                C("cost_center", "text", label="ansvar", max_length=CODE),
                C("department", "text", required=False, label="avdelning", max_length=NAME),
            ),
            key=("unit_id",),
        ),
        Table(
            "cases",
            "ärenden",
            (
                C("case_id", "text", label="ärende", max_length=CODE),
                C("unit_id", "text", label="enhet", max_length=CODE),
                C("service", "enum", choices=SERVICES, label="insats"),
                C("start_date", "date", label="startdatum"),
                C("end_date", "date", required=False, label="slutdatum"),
                C("label", "text", required=False, label="benämning", max_length=NAME),
            ),
            key=("case_id",),
        ),
        Table(
            "decisions",
            "beslut",
            (
                C("case_id", "text", label="ärende"),
                C("payer", "enum", choices=PAYERS, label="betalare"),
                C("hours_per_week", "decimal", minimum=0, maximum=168, label="timmar per vecka"),
                C(
                    "double_hours_per_week",
                    "decimal",
                    required=False,
                    minimum=0,
                    maximum=168,
                    label="dubbel timmar per vecka",
                ),
                C("valid_from", "date", label="från"),
                C("valid_to", "date", required=False, label="till och med"),
                C("period_start", "date", label="avräkning start"),
                C(
                    "period_months",
                    "integer",
                    required=False,
                    default=6,
                    minimum=1,
                    maximum=6,
                    label="avräkning månader",
                ),
                C(
                    "hourly_rate",
                    "decimal",
                    required=False,
                    minimum=0,
                    maximum=MAX_DIGITS_10,
                    label="timbelopp",
                ),
            ),
            key=("case_id", "valid_from"),
        ),
        Table(
            "employees",
            "medarbetare",
            (
                C("employee_id", "text", label="anställningsnummer", max_length=CODE),
                C("name", "text", required=False, label="namn", max_length=NAME),
                C("unit_id", "text", label="enhet", max_length=CODE),
            ),
            key=("employee_id",),
        ),
        Table(
            "employments",
            "anställningar",
            (
                C("employee_id", "text", label="anställningsnummer"),
                C("form", "enum", choices=FORMS, label="anställningsform"),
                C(
                    "employment_rate",
                    "percent",
                    required=False,
                    minimum=0,
                    maximum=100,
                    label="sysselsättningsgrad",
                ),
                C(
                    "full_time_hours_per_week",
                    "decimal",
                    required=False,
                    default=40.0,
                    minimum=1,
                    maximum=60,
                    label="heltid timmar",
                ),
                C(
                    "monthly_salary",
                    "decimal",
                    required=False,
                    minimum=0,
                    maximum=MAX_DIGITS_12,
                    label="månadslön",
                ),
                C(
                    "hourly_wage",
                    "decimal",
                    required=False,
                    minimum=0,
                    maximum=MAX_DIGITS_10,
                    label="timlön",
                ),
                C("valid_from", "date", label="från"),
                C("valid_to", "date", required=False, label="till och med"),
                C(
                    "status",
                    "enum",
                    required=False,
                    choices=EMPLOYMENT_STATUSES,
                    default="ordinary",
                    label="status",
                ),
            ),
            key=("employee_id", "valid_from"),
        ),
        Table(
            "shifts",
            "schema",
            (
                C("shift_id", "text", required=False, label="pass-id", max_length=CODE),
                C("case_id", "text", label="ärende"),
                C("employee_id", "text", required=False, label="anställningsnummer"),
                C("start", "timestamp", label="start"),
                C("end", "timestamp", label="slut"),
                C(
                    "break_minutes",
                    "integer",
                    required=False,
                    default=0,
                    minimum=0,
                    maximum=1440,
                    label="rast",
                ),
                C(
                    "kind",
                    "enum",
                    required=False,
                    choices=SHIFT_KINDS,
                    default="assistance",
                    label="typ",
                ),
            ),
            time_table=True,
        ),
        Table(
            "worked",
            "utfall",
            (
                C("case_id", "text", label="ärende"),
                C("employee_id", "text", label="anställningsnummer"),
                C("start", "timestamp", label="start"),
                C("end", "timestamp", label="slut"),
                C(
                    "break_minutes",
                    "integer",
                    required=False,
                    default=0,
                    minimum=0,
                    maximum=1440,
                    label="rast",
                ),
                C("time_type", "enum", choices=TIME_TYPES, label="tidtyp"),
            ),
            time_table=True,
        ),
        Table(
            "absences",
            "frånvaro",
            (
                C("employee_id", "text", label="anställningsnummer"),
                C("start", "date_or_timestamp", label="start"),
                C("end", "date_or_timestamp", label="slut"),
                C("type", "enum", choices=ABSENCE_TYPES, label="orsak"),
                C(
                    "extent_percent",
                    "percent",
                    required=False,
                    default=100.0,
                    minimum=0,
                    maximum=100,
                    label="omfattning",
                ),
                C(
                    "hours",
                    "decimal",
                    required=False,
                    minimum=0,
                    maximum=MAX_DIGITS_10,
                    label="timmar",
                ),
            ),
            time_table=True,
        ),
        Table(
            "ledger",
            "bokföring",
            (
                C("month", "month", label="period"),
                C("cost_center", "text", label="ansvar", max_length=CODE),
                C("case_id", "text", required=False, label="objekt", max_length=CODE),
                C("account", "text", label="konto", max_length=CODE),
                C(
                    "amount",
                    "decimal",
                    minimum=-MAX_DIGITS_14,
                    maximum=MAX_DIGITS_14,
                    label="belopp",
                ),
                C("text", "text", required=False, label="text", max_length=LEDGER_TEXT),
            ),
            time_table=True,
        ),
        Table(
            "accounts",
            "kontoplan",
            (
                C("account", "account", label="konto", max_length=CODE),
                C("category", "enum", choices=CATEGORIES, label="kategori"),
                C("structural", "yesno", label="strukturell"),
            ),
            key=("account",),
        ),
        Table(
            "fk_reports",
            "tidredovisning",
            (
                C("case_id", "text", label="ärende"),
                C("month", "month", label="månad"),
                C(
                    "reported_hours",
                    "decimal",
                    minimum=0,
                    maximum=MAX_DIGITS_10,
                    label="redovisade timmar",
                ),
            ),
            time_table=True,
            optional=True,
        ),
        Table(
            "budget",
            "budget",
            (
                C("month", "month", label="period"),
                C("cost_center", "text", label="ansvar", max_length=CODE),
                C("case_id", "text", required=False, label="objekt", max_length=CODE),
                C("category", "enum", choices=BUDGET_CATEGORIES, label="kategori"),
                C(
                    "amount",
                    "decimal",
                    minimum=-MAX_DIGITS_14,
                    maximum=MAX_DIGITS_14,
                    label="belopp",
                ),
            ),
            time_table=True,
            optional=True,
        ),
    )
}

# Swedish names of the tables: accepted as file names (utfall.csv) and as a profile's table.
TABLE_ALIASES = {
    "enheter": "units",
    "arenden": "cases",
    "ärenden": "cases",
    "beslut": "decisions",
    "medarbetare": "employees",
    "anstallningar": "employments",
    "anställningar": "employments",
    "schema": "shifts",
    "utfall": "worked",
    "franvaro": "absences",
    "frånvaro": "absences",
    "bokforing": "ledger",
    "bokföring": "ledger",
    "kontoplan": "accounts",
    "tidredovisning": "fk_reports",
}

REFERENCE_TABLES = tuple(n for n, t in TABLES.items() if not t.time_table)
TIME_TABLES = tuple(n for n, t in TABLES.items() if t.time_table)
# Order in which tables are validated and written (references before their users).
TABLE_ORDER = (
    "units",
    "cases",
    "decisions",
    "employees",
    "employments",
    "accounts",
    "shifts",
    "worked",
    "absences",
    "ledger",
    "fk_reports",
    "budget",
)


def polars_dtype(col: Column) -> pl.DataType:
    """The dtype of a parsed column."""
    if col.kind in ("date",):
        return pl.Date()
    if col.kind in ("timestamp", "date_or_timestamp"):
        return TIMESTAMP
    if col.kind in ("decimal", "percent"):
        return pl.Float64()
    if col.kind == "integer":
        return pl.Int64()
    if col.kind == "yesno":
        return pl.Boolean()
    return pl.String()


def frame_schema(table: str) -> dict[str, pl.DataType]:
    """Column -> dtype of a parsed, validated frame of ``table``."""
    t = TABLES[table]
    schema: dict[str, pl.DataType] = {}
    for col in t.columns:
        schema[col.name] = polars_dtype(col)
    if table == "absences":
        schema["whole_days"] = pl.Boolean()
    return schema


def empty_frame(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=frame_schema(table))
