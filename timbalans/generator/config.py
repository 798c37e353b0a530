"""Knobs of the demo data generator: scales, unit profiles, rates and the chart of accounts.

Every number the generator uses to shape the data lives here, so that the model described in
``timbalans.generator`` can be read and tuned in one place. Rates are example values (see
``shared/domain.md``); the product itself takes its rates from settings, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scale:
    name: str
    n_units: int
    cases_per_unit: int
    fmt: str
    # Fixed first day of the data, or None for "the 12 calendar months ending with until's month"
    # (or, with baseline_year, from 1 January of the year before until's year).
    start: date | None
    # Hourly substitutes of a staffing pool (bemanningspool) per case, on top of each case's
    # own hourly staff: a municipality's or the country's operations keep one; the
    # department of the seeds buys its hourly staff case by case and has none.
    pool_per_case: float = 0.0
    # The data begins on 1 January of the year before until's: the overtime table's baseline
    # year (the year before D's) is then whole for every month up to until.
    baseline_year: bool = False


# About 10 employees per case over the year at municipality and national scale (the issue's
# 4,000 and 140,000): each case's own staff and turnover give about 7.6, a pool seat about 1.3
# people a year (its holders change with the hourly turnover).
POOL_PER_CASE = 1.9

SCALES: dict[str, Scale] = {
    "department": Scale("department", 4, 10, "csv", date(2025, 1, 1)),
    "municipality": Scale("municipality", 40, 10, "csv", None, POOL_PER_CASE, baseline_year=True),
    "national": Scale("national", 1400, 10, "parquet", None, POOL_PER_CASE),
}

# Planned shifts run this many days past `until` (the future plan used by forecasts).
PLAN_DAYS_AFTER_UNTIL = 56

FIRST_COST_CENTER = 81515
DEPARTMENT_NAME = "LSS personlig assistans och stöd"
UNIT_AREAS = ("Norr", "Syd", "Öst", "Väst", "Centrum", "Söder", "Väster", "Öster", "Norra", "Södra")

# Cases that the department's action plan names (seeds/): always in the first unit (81515),
# always 24/7 cases, staffed with these problem levels (1 = worst). Their 2025 deficits come out
# as the four largest, in this order, because every cost driver scales with the level.
WORST_CASES: tuple[tuple[str, float], ...] = (
    ("51470", 1.00),
    ("51357", 0.82),
    ("51463", 0.66),
    ("51451", 0.53),
)
# The demo's budget (budget.csv) for until's year: each cost centre's categories at the same
# month of the year before, revenue up by the schablon's rise and costs at last year's level
# (what a department without a plan would be given); the named cases' own `result` rows at
# half of the year before's deficit, the action plan's goal for them.
BUDGET_REVENUE_FACTOR = 347.70 / 342.60
BUDGET_COST_FACTOR = 1.0
BUDGET_NAMED_RESULT_FACTOR = 0.5
# Upper bound of the problem level of any other case (keeps the named four on top).
MAX_OTHER_PROBLEM = 0.30


@dataclass(frozen=True)
class UnitProfile:
    name: str
    # Contracted hours of monthly staff on a schedule line / the line's planned hours.
    monthly_cover: tuple[float, float]
    # Range of the problem level q of the unit's ordinary cases (see the module docstring).
    problem: tuple[float, float]
    # Multiplier of the staff's sick-leave frequency.
    sick: float
    # Extra hourly-paid seats per schedule line.
    extra_hourly_seats: float


PROFILES: dict[str, UnitProfile] = {
    # 81515: buys many hourly-staff hours, high overtime, more sick leave.
    "hourly_heavy": UnitProfile("hourly_heavy", (0.42, 0.62), (0.10, MAX_OTHER_PROBLEM), 1.45, 0.8),
    # 81516, 81517: more monthly staff than the schedules need (idle paid time).
    "over_capacity": UnitProfile("over_capacity", (1.00, 1.08), (0.0, 0.16), 0.8, 0.25),
    # 81518 and most others.
    "balanced": UnitProfile("balanced", (0.72, 0.95), (0.02, 0.26), 1.0, 0.5),
}
# Profiles of the department's four units, in cost-center order; larger scales draw the rest.
DEPARTMENT_PROFILES = ("hourly_heavy", "over_capacity", "over_capacity", "balanced")
PROFILE_MIX = (("hourly_heavy", 0.25), ("over_capacity", 0.25), ("balanced", 0.50))

# Sick leave (absences), for monthly staff; the realism targets are in the package docs.
# Long spells (60-300 days) and medium spells (15-59 days) start per employee and year with
# these probabilities; short spells (1-14 days) are Poisson with a gamma-distributed rate of
# this mean per year, times the case's sick multiplier (unit profile and problem level).
SICK_LONG_PER_YEAR = 0.12
SICK_MEDIUM_PER_YEAR = 0.26
SICK_SHORT_SPELLS_PER_YEAR = 4.0

# Case mix.
P_KOMMUN = 0.08  # share of cases that are assistans_lss paid by the municipality
P_24_7 = 0.20  # FK cases with awake staff around the clock (168 h/week)
P_NIGHT_ON_CALL = 0.15  # FK cases with day staff and a night on call (jour) or standby
P_DOUBLE = 0.15  # FK cases with double assistance (not the 24/7 ones)
P_DECISION_CHANGE = 0.15  # a new decision mid-period (hours change)
P_RAISED_RATE = 0.15  # förhöjt timbelopp, +3..12 %
P_NEW_CASE = 0.08  # cases starting inside the data range
P_ENDED_CASE = 0.05  # cases ending inside the data range

# Over-planning: planned / granted hours of a case = 1 + base + per_q * q (+ noise), realised
# as an extra overlapping shift on some weekdays; the named cases get 1 + WORST_OVERPLAN * q^1.5.
OVERPLAN_BASE = 0.01
OVERPLAN_PER_Q = 0.10
WORST_OVERPLAN = 0.30
# Handover overlap (överlämning) of 15 minutes at each change of shift, with this probability
# (plus the problem level); the named cases overlap 15-30 minutes.
P_HANDOVER = 0.4

# Staffing.
ROTA_CYCLE_DAYS = 56  # a schedule line repeats every 8 weeks ...
ROTA_BLOCK_DAYS = 2  # ... in blocks of 2 consecutive days per person
MONTHLY_TURNOVER_PER_YEAR = 0.12  # seat holder changes per monthly seat and year
HOURLY_TURNOVER_PER_YEAR = 0.20  # ... per hourly seat and year
HOURLY_TURNOVER_PER_Q = 0.7  # ... plus this times the case's problem level
P_TEMP = 0.22  # monthly staff on fixed-term (visstid) employment
P_TEMP_TO_PERMANENT = 0.35  # of those, converted to permanent inside the data range
STRUCTURAL_SHARE = 0.012  # monthly staff in work training / reassignment
P_OPEN_PAST = 0.012  # planned shifts left open (nobody booked) up to until
P_OPEN_FUTURE = 0.07  # ... in the future plan (rising towards the horizon)
P_UNFILLED = 0.05  # a shift whose booked person is absent stays unfilled
P_INTRO_SHIFT = 0.6  # a new employee's days of the week before taking over a seat (bredvidgång)

# Overtime policy: multiplier of the probability to replace with overtime and to extend a shift,
# by time: 2025 drifts down from 1.10 to 0.85 (the trend the report mentions), 2026 is the
# year of the department's goal of -50 % overtime.
OVERTIME_2025 = (1.10, 0.85)
OVERTIME_2026 = 0.52
MEASURES_START = date(2026, 4, 1)  # the action plan's measures (seeds: 2026-03-31)

# Rates (example values; see shared/domain.md).
SCHABLON = {2023: 324.50, 2024: 332.60, 2025: 342.60, 2026: 347.70, 2027: 347.70}
SOCIAL_FEES = (("5411", "Arbetsgivaravgifter", 0.3142), ("5451", "Avtalspension", 0.1311))
HOLIDAY_PAY = 0.12
OVERTIME_FACTOR = {"overtime_simple": 1.8, "overtime_qualified": 2.0}
OB_RATES = {  # SEK per hour
    "evening": 25.0,  # weekday 19-22
    "night": 55.0,  # 22-06
    "weekend": 60.0,  # Friday 19:00 - Monday 07:00, and around other public holidays
    "storhelg": 118.80,
    "storhelg_night": 142.60,
}
ON_CALL_PAY = 52.0  # SEK per hour of jour
STANDBY_PAY = 28.0  # SEK per hour of beredskap
SICK_PAY_SHARE = 0.80
KARENS_WEEK_SHARE = 0.20  # karensavdrag = 20 % of a week's sick pay
# Management, coordination, scheduling and administration allocated to cases, SEK per granted
# hour (incl. social fees): per unit of ~10 cases (~50,000 hours a year) a unit manager, two
# coordinators and a share of administration, about 2 MSEK a year.
MANAGEMENT_PER_HOUR = 40.0
COUNT_FACTOR = {"on_call": 0.25, "standby": 1 / 7}

# Chart of accounts (a municipal Kommun-Bas-like plan). (account, text, category, structural)
ACCOUNTS: tuple[tuple[str, str, str, bool], ...] = (
    ("3000-3599", "Övriga intäkter", "revenue_other", False),
    ("3621", "Assistansersättning Försäkringskassan", "revenue_fk", False),
    ("3641", "Intern ersättning LSS-assistans", "revenue_municipal", False),
    ("4670", "HSL-insatser, delegerad hälso- och sjukvård", "hsl", True),
    ("5011", "Månadslön", "salary_monthly", False),
    ("5016", "Lön arbetsträning och omplacering", "training_reassignment", True),
    ("5021", "Timlön inkl. semesterersättning", "salary_hourly", False),
    ("5031", "Mertid", "additional_hours", False),
    ("5032", "Övertid, enkel", "overtime", False),
    ("5033", "Övertid, kvalificerad", "overtime", False),
    ("5041", "OB-tillägg", "ob", False),
    ("5051", "Jour- och beredskapsersättning", "other_staff", False),
    ("5061", "Sjuklön", "sick_pay", False),
    ("5091", "Ledning och samordning, fördelad", "other_staff", False),
    ("5410-5499", "Sociala avgifter och pension", "social_fees", False),
    ("5810", "Kompetensutveckling", "other_staff", False),
    ("7690", "Övriga verksamhetskostnader", "other", False),
)
ACCOUNT_TEXT = {a: t for a, t, _, _ in ACCOUNTS}
ACCOUNT_TEXT.update({a: t for a, t, _ in SOCIAL_FEES})
P_HSL = 0.12  # cases with HSL costs
