"""What the document builders are given: plain values gathered from the figures and the
plans by ``reports.selectors``. No Django, so a builder is a pure function of this data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from timbalans.plans.kpis import BacktestPotential
from timbalans.reports.content import Table


@dataclass(frozen=True)
class Driver:
    """One cost driver of the plan's summary: what it is, its cost over the window, detail."""

    label: str
    amount: float
    detail: str = ""


@dataclass(frozen=True)
class PlanSummary:
    window_from: dt.date
    window_to: dt.date
    result: float | None
    cases_total: int | None
    cases_deficit: int | None
    deficit_sum: float | None
    drivers: tuple[Driver, ...] = ()


@dataclass(frozen=True)
class FollowUpLine:
    date: dt.date
    status: str
    kpi_value: float | None
    annualised: float | None
    comment: str


@dataclass(frozen=True)
class CaseLine:
    """One of the cases measure 2 names, over the 12 months ending D (case-economics)."""

    case_id: str
    revenue: float
    cost_total: float
    result: float
    structural_cost: float
    result_influenceable: float
    worked_hours: float


@dataclass(frozen=True)
class MeasureLine:
    number: int
    name: str
    start_date: dt.date
    effect_current_low: int | None
    effect_current_high: int | None
    effect_full_low: int | None
    effect_full_high: int | None
    effect_text: str
    description: str
    opportunities: tuple[str, ...]
    risks: tuple[str, ...]
    responsible: str
    kpi_label: str
    kpi_unit: str
    saving: bool
    baseline_date: dt.date
    baseline_value: float | None
    target_value: float | None
    now_date: dt.date
    now_value: float | None
    realised: float | None
    annualised: float | None
    current_year: float | None
    follow_ups: tuple[FollowUpLine, ...] = ()
    # The measured effect at the prices of ``prices_on`` (the plan's start) and what prices
    # alone did (plans.kpis.fixed_price_effect).
    prices_on: dt.date | None = None
    fixed_measured: float | None = None
    price_effect: float | None = None
    # Measure 2: the figures of the cases it names.
    cases: tuple[CaseLine, ...] = ()
    # Measure 3 of a unit's plan: its measured potential, the staffing backtest of the 12
    # months ending D (plans.kpis.BacktestPotential); ``potential_pending`` while the
    # backtest is being computed in the background.
    potential: BacktestPotential | None = None
    potential_pending: bool = False


@dataclass(frozen=True)
class BaseLine:
    """One savings area: its cost base, hours and the sentence on how it is computed."""

    label: str
    cost_base: float | None
    hours: float | None
    effect_low: float | None
    effect_high: float | None
    text: str


@dataclass(frozen=True)
class PlanDocumentData:
    title: str
    level_label: str
    unit_id: str
    unit_name: str
    cost_center: str
    case_id: str
    owner: str
    period_start: dt.date
    period_end: dt.date
    status_label: str
    as_of: dt.date
    summary_text: str
    summary: PlanSummary
    measures: tuple[MeasureLine, ...]
    bases: tuple[BaseLine, ...] = ()


@dataclass(frozen=True)
class BoardTexts:
    """The editable texts of a board report (kept with the ``Report``)."""

    title: str
    case_description: str
    statement: str
    focus: str
    economic_assessment: str
    decision_proposal: str
    send_to: str
    signatures: str
    # The header: nämnd, diarienummer, datum (None: the day the document is made), handläggare.
    board: str = ""
    reference: str = ""
    document_date: dt.date | None = None
    officer: str = ""


@dataclass(frozen=True)
class BoardFigures:
    scope_label: str
    cost_center: str
    year_from: dt.date
    as_of: dt.date
    baseline_year: int
    # Overcapacity, year to date (capacity)
    contracted_hours: float
    unused_hours: float
    unused_cost: float
    bought_hours: float
    substitutable_hours: float
    # Settlement periods on D (hour-balance)
    periods_total: int
    periods_over: int
    periods_under: int
    unpaid_hours: float
    status_over_pct: float
    status_under_pct: float
    # Overtime, year to date (overtime)
    overtime_hours: float
    baseline_overtime_hours: float
    overtime_goal_pct: float | None
    # Sick leave, year to date (absence)
    ordinary_hours: float
    sick_hours: float
    short_sick_hours: float
    long_sick_hours: float
    sick_pay_cost: float
    # Economics, year to date (case-economics); None when the table is not available
    result: float | None = None
    cases_total: int | None = None
    cases_deficit: int | None = None
    # The measures of the plans in progress in scope
    expected_full_low: int | None = None
    expected_full_high: int | None = None
    measured_annualised: float | None = None
    measures_counted: int = 0
    # Year-end forecast (forecast, cost-centre rows); None when the table is not available
    year_result: float | None = None
    year_budget: float | None = None

    @property
    def overtime_change_pct(self) -> float | None:
        if not self.baseline_overtime_hours:
            return None
        return (
            100
            * (self.overtime_hours - self.baseline_overtime_hours)
            / (self.baseline_overtime_hours)
        )

    @property
    def on_track(self) -> bool | None:
        change = self.overtime_change_pct
        if change is None or self.overtime_goal_pct is None:
            return None
        return change <= self.overtime_goal_pct

    @property
    def sick_rate_pct(self) -> float | None:
        return 100 * self.sick_hours / self.ordinary_hours if self.ordinary_hours else None

    @property
    def unused_pct(self) -> float | None:
        return 100 * self.unused_hours / self.contracted_hours if self.contracted_hours else None


@dataclass(frozen=True)
class Chart:
    png: bytes
    caption: str


@dataclass(frozen=True)
class PlanAppendix:
    """A unit's action plan in progress, as an appendix of the board report: its measures
    with the expected and the measured effect, at the month's prices and at fixed prices."""

    title: str
    scope_label: str
    period_start: dt.date
    period_end: dt.date
    status_label: str
    owner: str
    as_of: dt.date
    measures: tuple[MeasureLine, ...]


@dataclass(frozen=True)
class BoardReportData:
    texts: BoardTexts
    figures: BoardFigures
    annex_tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = field(default_factory=tuple)
    # The cases over their settlement periods on D (hour-balance), worst first.
    over_periods: Table | None = None
    # The year-end forecast per cost centre (forecast).
    forecast: Table | None = None
    plans: tuple[PlanAppendix, ...] = ()
