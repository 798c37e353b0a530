"""The staffing problem as data: ``Instance``, ``Config`` and ``Solution`` (pydantic).

Following d-krupke's cpsat-primer: the instance and the solution are plain, serialisable data
with no solver in them, so the CP-SAT model (:mod:`timbalans.staffing.model`), the greedy
baseline (:mod:`timbalans.staffing.greedy`) and the solver-independent checker
(:mod:`timbalans.staffing.validation`) all read and write the same shapes.

Times are aware datetimes (any zone; compared as instants). Money is SEK. Hours are decimal
hours. An ``Instance`` holds the open shifts to fill and the candidates with everything the
hard rules and the costs need: employments, the month's contracted, absent, worked and booked
hours, existing shifts and worked time, absences and the cases they have worked in.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from timbalans.text.labels import SOLVER_STATUSES

ShiftKind = Literal["assistance", "on_call", "standby"]
OpenReason = Literal["unassigned", "absent_employee"]
FormClass = Literal["monthly", "hourly"]
Pool = Literal["unit", "department", "all"]

#: The tiers of the staffing priority order (bemanningshandboken, handlingsplanens åtgärd 3).
TIER_ORDINARY = 1  # monthly-paid staff within their unused contracted time
TIER_ADDITIONAL = 2  # part-timers extended up to full time (mertid)
TIER_HOURLY = 3  # hourly-paid staff
TIER_OVERTIME = 4  # overtime, the last resort
TIERS = (TIER_ORDINARY, TIER_ADDITIONAL, TIER_HOURLY, TIER_OVERTIME)
#: The tiers as the coordinator's page and the command name them (never by number).
TIER_LABELS = {
    TIER_ORDINARY: "Outnyttjad avtalstid",
    TIER_ADDITIONAL: "Utökad tid",
    TIER_HOURLY: "Timanställd",
    TIER_OVERTIME: "Övertid",
}
#: A proposal's solver status in words: ``optimal`` is the best solution there is,
#: ``feasible`` the best found within the time limit.
STATUS_LABELS = SOLVER_STATUSES

NAIVE_TIME = "tiden {value} saknar tidszon"
END_NOT_AFTER_START = "passet {id} slutar inte efter att det börjar"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(NAIVE_TIME.format(value=value))
    return value


# --------------------------------------------------------------------------- open shifts


class ShiftRates(_Model):
    """The rates valid on a shift's date, as plain numbers (from the rate set).

    ``overtime_factor`` is the factor this shift's hours would get as overtime: the simple
    and the qualified factor mixed by the share of the shift in qualified time.
    """

    social_fee_rate: float = 0.0
    holiday_pay_rate: float = 0.0
    overtime_factor: float = 1.0
    on_call_pay: float = 0.0
    standby_pay: float = 0.0
    on_call_factor: float = 0.25
    standby_factor: float = 1 / 7


class OpenShift(_Model):
    """A planned shift nobody will work: unassigned, or its employee is absent."""

    id: str
    case_id: str
    unit_id: str
    department: str | None = None
    start: dt.datetime
    end: dt.datetime
    break_minutes: int = 0
    kind: ShiftKind = "assistance"
    reason: OpenReason = "unassigned"
    absent_employee_id: str | None = None
    shift_id: str | None = None  # the source's shift_id, when it has one
    ob_sek: float = 0.0  # OB for the whole shift (SEK, before social fees)
    rates: ShiftRates = Field(default_factory=ShiftRates)

    @model_validator(mode="after")
    def _check(self) -> OpenShift:
        _aware(self.start)
        _aware(self.end)
        if self.end <= self.start:
            raise ValueError(END_NOT_AFTER_START.format(id=self.id))
        return self

    @property
    def minutes(self) -> int:
        """Paid minutes: elapsed real time less the break."""
        return int((self.end - self.start).total_seconds() // 60) - self.break_minutes

    @property
    def hours(self) -> float:
        return self.minutes / 60


# --------------------------------------------------------------------------- candidates


class Interval(_Model):
    """An existing commitment: a booked planned shift or worked time."""

    start: dt.datetime
    end: dt.datetime
    kind: ShiftKind = "assistance"
    case_id: str | None = None
    source: Literal["planned", "worked"] = "planned"


class Absence(_Model):
    start: dt.datetime
    end: dt.datetime
    type: str = "sick"
    extent_percent: float = 100.0


class Employment(_Model):
    form: FormClass
    valid_from: dt.date
    valid_to: dt.date | None = None  # inclusive; None = open
    employment_rate: float | None = None  # percent, monthly only
    full_time_hours_per_week: float = 40.0
    hourly_cost_basis: float | None = None  # monthly: salary / (full-time h/week × 52 / 12)
    hourly_wage: float | None = None  # hourly: before holiday pay

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def part_time(self) -> bool:
        return self.form == "monthly" and (self.employment_rate or 0.0) < 100.0


class MonthState(_Model):
    """One candidate's hours in one month (monthly-paid staff).

    ``worked_ordinary_hours`` are worked up to D, ``planned_hours`` booked planned
    assistance after D (shifts during a full absence left out: those are open shifts).
    """

    month: str
    contracted_hours: float = 0.0
    full_time_hours: float = 0.0
    absence_hours: float = 0.0
    worked_ordinary_hours: float = 0.0
    planned_hours: float = 0.0
    additional_hours: float = 0.0  # mertid already worked

    @property
    def booked_hours(self) -> float:
        return self.worked_ordinary_hours + self.planned_hours

    @property
    def room_total_hours(self) -> float:
        """Hours left before overtime: full time less absence, booked and mertid hours."""
        return max(
            0.0,
            self.full_time_hours - self.absence_hours - self.booked_hours - self.additional_hours,
        )

    @property
    def unused_hours(self) -> float:
        """Unused contracted time: contracted less absence and booked hours, not below 0."""
        own = max(0.0, self.contracted_hours - self.absence_hours - self.booked_hours)
        return min(own, self.room_total_hours)

    @property
    def additional_room_hours(self) -> float:
        """Mertid left: up to full time, for part-timers (0 for full-timers)."""
        if self.full_time_hours <= self.contracted_hours:
            return 0.0
        return self.room_total_hours - self.unused_hours


class CappedWork(_Model):
    """Worked time that counts against a working-time cap: overtime or additional time
    (``time_type`` as in worked time), with its paid ``hours``."""

    start: dt.datetime
    end: dt.datetime
    hours: float
    time_type: str


class CaseHistory(_Model):
    """A candidate's time in one case: the last day worked up to D, booked days after D."""

    case_id: str
    last_worked: dt.date | None = None
    worked_hours: float = 0.0  # in the continuity window before D
    planned_dates: list[dt.date] = Field(default_factory=list)


class Candidate(_Model):
    employee_id: str
    unit_id: str
    department: str | None = None
    employments: list[Employment] = Field(default_factory=list)
    months: dict[str, MonthState] = Field(default_factory=dict)
    busy: list[Interval] = Field(default_factory=list)
    absences: list[Absence] = Field(default_factory=list)
    cases: dict[str, CaseHistory] = Field(default_factory=dict)
    #: Overtime and additional time worked in the year and four weeks before the shifts.
    capped_work: list[CappedWork] = Field(default_factory=list)

    def employment_on(self, day: dt.date) -> Employment | None:
        """The employment in force on ``day``: a monthly one first, then the latest start."""
        found = [e for e in self.employments if e.covers(day)]
        if not found:
            return None
        return max(found, key=lambda e: (e.form == "monthly", e.valid_from))


class Instance(_Model):
    as_of: dt.date  # facts up to D 24:00; planned shifts after it are plans
    shifts: list[OpenShift]
    candidates: list[Candidate]

    @model_validator(mode="after")
    def _unique(self) -> Instance:
        ids = [s.id for s in self.shifts]
        if len(set(ids)) != len(ids):
            raise ValueError("dubbla pass-id i instansen")
        emp = [c.employee_id for c in self.candidates]
        if len(set(emp)) != len(emp):
            raise ValueError("dubbla anställningsnummer i instansen")
        return self


# --------------------------------------------------------------------------- config


class CaseRule(_Model):
    """A case's own continuity setting."""

    known_only: bool = False  # only assistants who worked in the case within the window
    window_days: int | None = None  # None: Config.continuity_days


class Config(_Model):
    time_limit_s: float = 10.0
    relative_gap_limit: float = 0.005  # stop when proven within this gap
    workers: int = 2
    # CP-SAT's presolve: off by default, measured: on a municipality part (3,600 pairs) it
    # spent the whole time limit presolving; without it the part was optimal in 10 s.
    presolve: bool = False
    new_staff_penalty_sek: float = 500.0  # per shift given to an assistant new to the client
    continuity_days: int = 90  # worked in the case within N days = known to the client
    cases: dict[str, CaseRule] = Field(default_factory=dict)
    daily_rest_hours: float = 11.0
    weekly_rest_hours: float = 36.0
    max_in_a_row_hours: float = 20.0
    # A gap up to this long between two shifts is a break inside work in a row, not rest.
    max_break_hours: float = 1.0
    # The working-time act's caps (the ``limits`` table's settings, same defaults).
    overtime_4w_hours: float = 48.0
    overtime_month_hours: float = 50.0
    overtime_year_hours: float = 200.0
    additional_year_hours: float = 200.0
    pool: Pool = "department"
    # The model considers this many candidates per shift, cheapest first (None: all).
    max_candidates_per_shift: int | None = 30

    def window_days(self, case_id: str) -> int:
        rule = self.cases.get(case_id)
        if rule is not None and rule.window_days is not None:
            return rule.window_days
        return self.continuity_days

    def known_only(self, case_id: str) -> bool:
        rule = self.cases.get(case_id)
        return rule is not None and rule.known_only


# --------------------------------------------------------------------------- solution


class Assignment(_Model):
    shift_id: str
    employee_id: str
    tier: int = 0  # the highest tier any of the shift's hours fall in
    hours_by_tier: dict[int, float] = Field(default_factory=dict)
    cost_sek: float = 0.0  # marginal cost incl. OB and social fees
    new_to_client: bool = False


class Solution(_Model):
    method: Literal["cp-sat", "greedy", "given"] = "given"
    status: str = "feasible"  # optimal, feasible, infeasible, unknown
    assignments: list[Assignment] = Field(default_factory=list)
    unfilled: list[str] = Field(default_factory=list)
    cost_sek: float = 0.0  # Σ marginal cost
    penalty_sek: float = 0.0  # Σ penalties for shifts given to staff new to the client
    objective_sek: float = 0.0  # cost + penalty
    bound_sek: float | None = None  # proven lower bound of objective_sek (cp-sat)
    gap: float | None = None  # (objective − bound) / objective
    seconds: float = 0.0


__all__ = [
    "STATUS_LABELS",
    "TIERS",
    "TIER_ADDITIONAL",
    "TIER_HOURLY",
    "TIER_LABELS",
    "TIER_ORDINARY",
    "TIER_OVERTIME",
    "Absence",
    "Assignment",
    "Candidate",
    "CappedWork",
    "CaseHistory",
    "CaseRule",
    "Config",
    "Employment",
    "Instance",
    "Interval",
    "MonthState",
    "OpenShift",
    "ShiftRates",
    "Solution",
]
