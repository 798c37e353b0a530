"""The key figures (nyckeltal) a measure moves, and its effect: expected and measured.

Pure functions over figure tables (polars frames in, numbers out), no Django, so a controller
can recompute every number here from the figure tables of spec/figures.md.

A KPI has two values on a date D, both over the *12 months ending D* (the window of the
``savings`` table, months ``D − 11 months`` to D's month):

* ``value`` in the KPI's own unit, what the unit manager steers by (hours, or kronor);
* ``cost`` in kronor: the ``cost_base`` of the measure's area in ``savings``, which is what
  the expected effect (cost base × 10–20 %) is a share of. For measure 2 the cost is the
  deficit of the cases named when the measure was made, so the same cases are followed.

Measured effect, from the cost at the baseline date B and now (D):

* realised = cost(B) − cost(D). Both are 12-month sums, so after m months this is the sum
  over those m months of (the month a year earlier − the month now): a year-on-year saving,
  fair to seasons;
* annualised (helår) = realised × 12 / m, m = months from B to D, at most 12; shown from one
  month on;
* current year (innevarande år) = annualised × the share of the year the measure runs in D's
  year (from its start or 1 January to 31 December), the same proration as the expected
  current-year effect.

Measured effect at fixed prices (:func:`fixed_price_effect`): the realised effect split into
what prices did and the rest. The KPI's cost over the same two 12-month windows is computed
from the time data (the computed columns of case-economics: booked amounts cannot be
repriced) twice: at each month's own prices, and at the prices in force at the plan's start P
(every rate, e.g. the schablon and the OB amounts, and each employee's wage, as on P;
:mod:`timbalans.figures.prices`):

* price effect = (cost(B) − cost(D) at own prices) − (cost(B) − cost(D) at P's prices): what
  changed prices alone did to the KPI's cost (a rise of the schablon lowers a deficit without
  any measure). Shown as its own line, never as the measure's effect;
* measured at fixed prices = realised − price effect, so the two add up to the realised
  effect (booked changes stay in the measure's part).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from timbalans.figures.key_figures import case_results, total_or_none

AREAS = ("decided_hours", "cases", "temp_overtime", "sick_leave", "structural")
DAYS_PER_MONTH = 365.25 / 12
#: The least time between baseline and now for an annualised effect (shorter is noise).
MIN_DAYS_FOR_RATE = 28


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    label: str
    unit: str  # "h" or "kr"
    saving: bool  # False: the cost is shown, never counted as a saving (structural)
    source: str  # where the value comes from, for the guide and the documents
    base_text: str = ""  # one Swedish sentence: how the area's cost base (savings) is computed


KPIS: dict[str, KpiDefinition] = {
    "decided_hours": KpiDefinition(
        "decided_hours",
        "Timmar som inte ersätts",
        "h",
        True,
        "hours (savings): Σ unpaid_hours av avslutade perioder + Σ max(0, forecast_hours − "
        "granted_hours) av pågående perioder (hour-balance)",
        "Timmar som inte ersätts (obetalda timmar i perioder som slutat de senaste 12 "
        "månaderna plus prognosen över beviljat i pågående perioder), var och en till "
        "enhetens kostnad per köpt timme.",
    ),
    "cases": KpiDefinition(
        "cases",
        "Underskott i de största underskottsärendena",
        "kr",
        True,
        "− Σ result (case-economics) för de utpekade ärendena",
        "Det påverkbara underskottet i de ärenden som har störst underskott, minus den del "
        "som redan finns i timmar som inte ersätts.",
    ),
    "temp_overtime": KpiDefinition(
        "temp_overtime",
        "Kostnad för övertid och timavlönade",
        "kr",
        True,
        "Σ overtime_cost + Σ hourly_staff_cost (overtime)",
        "Köpta timmar som outnyttjad avtalad tid hade kunnat ersätta (övertid först, sedan "
        "mertid, sedan timavlönade), var och en till sin egen kostnad, plus övertidstillägget "
        "på den övertid som blir kvar.",
    ),
    "sick_leave": KpiDefinition(
        "sick_leave",
        "Sjukfrånvarokostnad",
        "kr",
        True,
        "Σ sick_pay_cost (absence)",
        "Sjuklön dag 1–14 inklusive den OB som den sjuke förlorade, minus karensavdrag, med "
        "PO-pålägg; ersättarnas kostnad ligger i övertid och timavlönade.",
    ),
    "structural": KpiDefinition(
        "structural",
        "Strukturella kostnader",
        "kr",
        False,
        "Σ structural_cost (case-economics)",
        "Strukturella kostnader (HSL, arbetsträning, omplacering); visas men är ingen besparing.",
    ),
}
KPI_CHOICES = [(k, d.label) for k, d in KPIS.items()]


def window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months ending D: from the 1st of the month 11 months before D's month, to D."""
    index = as_of.year * 12 + as_of.month - 1 - 11
    return dt.date(index // 12, index % 12 + 1, 1), as_of


@dataclass(frozen=True)
class KpiValue:
    key: str
    value: float | None
    cost: float | None
    parts: dict[str, float] = field(default_factory=dict)


def _savings_value(savings: pl.DataFrame | None, area: str, column: str) -> float | None:
    if savings is None or column not in savings.columns:
        return None
    row = savings.filter(pl.col("area") == area)
    return float(row[column][0]) if row.height and row[column][0] is not None else None


def _savings_cost(savings: pl.DataFrame | None, area: str) -> float | None:
    return _savings_value(savings, area, "cost_base")


def largest_deficits(economics: pl.DataFrame, n: int) -> list[tuple[str, float]]:
    """The n cases with the largest deficits (result < 0), largest first, as (case, result)."""
    per_case = case_results(economics).filter(pl.col("result") < 0).head(n)
    return [(c, float(r)) for c, r in per_case.iter_rows()]


def kpi_value(
    key: str,
    tables: dict[str, pl.DataFrame],
    *,
    case_ids: list[str] | None = None,
    computed: bool = False,
) -> KpiValue:
    """One KPI from the figure tables of one scope and window (missing tables give None).

    ``tables`` holds hour-balance, coverage, overtime, absence, case-economics and savings,
    each computed for the 12 months ending D; ``case_ids`` names the cases of measure 2.
    ``computed``: the cases' result from the time data alone (computed_revenue −
    computed_cost_total), as the fixed-price comparison needs.
    """
    savings = tables.get("savings")
    if key == "decided_hours":
        value = _savings_value(savings, key, "hours")
        return KpiValue(key, value, _savings_cost(savings, key), {"hours": value or 0.0})
    if key == "cases":
        economics = tables.get("case-economics")
        if economics is None:
            return KpiValue(key, None, None)
        if case_ids is not None:
            economics = economics.filter(pl.col("case_id").is_in(case_ids))
        cases = economics.filter(pl.col("case_id") != "")
        if computed:
            result = float((cases["computed_revenue"] - cases["computed_cost_total"]).sum())
        else:
            result = total_or_none(cases, "result") or 0.0
        return KpiValue(key, -result, -result, {"result": result})
    if key == "temp_overtime":
        overtime = total_or_none(tables.get("overtime"), "overtime_cost")
        hourly = total_or_none(tables.get("overtime"), "hourly_staff_cost")
        value = None if overtime is None or hourly is None else overtime + hourly
        parts = {"overtime_cost": overtime or 0.0, "hourly_staff_cost": hourly or 0.0}
        return KpiValue(key, value, _savings_cost(savings, key), parts)
    if key == "sick_leave":
        value = total_or_none(tables.get("absence"), "sick_pay_cost")
        return KpiValue(key, value, _savings_cost(savings, key), {})
    if key == "structural":
        value = total_or_none(tables.get("case-economics"), "structural_cost")
        return KpiValue(key, value, _savings_cost(savings, key) if savings is not None else value)
    raise ValueError(f"okänt nyckeltal: {key}")


#: The KPI whose measure (the action plan's measure 3, the staffing priority order) has the
#: staffing backtest as its measured potential.
BACKTEST_KPI = "temp_overtime"


@dataclass(frozen=True)
class BacktestPotential:
    """What the staffing priority order would have saved in the 12 months ending D
    (``staffing-backtest`` summed over the scope's units and months): the bought hours, those
    that could have been worked in unused contracted time or as mertid, and the saving."""

    bought_hours: float
    refill_hours: float
    saving_sek: float

    @property
    def refill_pct(self) -> float | None:
        return 100 * self.refill_hours / self.bought_hours if self.bought_hours else None


def backtest_potential(backtest: pl.DataFrame | None) -> BacktestPotential | None:
    """The measured potential of measure 3 from the staffing-backtest table (None: none)."""
    if backtest is None:
        return None
    return BacktestPotential(
        bought_hours=float(backtest["bought_hours"].sum()),
        refill_hours=float((backtest["tier1_hours"] + backtest["tier2_hours"]).sum()),
        saving_sek=float(backtest["saving_sek"].sum()),
    )


# ---------------------------------------------------------------------------- effects


def year_share(start: dt.date, year: int) -> float:
    """The share of ``year`` from ``start`` (or 1 January) to 31 December; 0 when the measure
    starts after the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    begin = max(start, first)
    if begin > last:
        return 0.0
    return ((last - begin).days + 1) / ((last - first).days + 1)


def round_kr(value: float, step: int = 1000) -> int:
    """To the nearest thousand kronor (halves away from zero), as the plans state effects."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) / step + 0.5) * step


@dataclass(frozen=True)
class ExpectedEffect:
    current_low: int | None
    current_high: int | None
    full_low: int | None
    full_high: int | None


def expected_effect(
    *, effect_low: float | None, effect_high: float | None, start: dt.date
) -> ExpectedEffect:
    """Full year from the savings range, current year prorated from the measure's start."""
    if effect_low is None or effect_high is None:
        return ExpectedEffect(None, None, None, None)
    share = year_share(start, start.year)
    return ExpectedEffect(
        current_low=round_kr(effect_low * share),
        current_high=round_kr(effect_high * share),
        full_low=round_kr(effect_low),
        full_high=round_kr(effect_high),
    )


@dataclass(frozen=True)
class MeasuredEffect:
    realised: float | None
    annualised: float | None
    current_year: float | None
    months: float


def measured_effect(
    *,
    baseline_cost: float | None,
    baseline_date: dt.date,
    now_cost: float | None,
    now_date: dt.date,
    start: dt.date,
) -> MeasuredEffect:
    """The saving measured between baseline and now (see the module docstring)."""
    days = (now_date - baseline_date).days
    months = max(0.0, days / DAYS_PER_MONTH)
    if baseline_cost is None or now_cost is None:
        return MeasuredEffect(None, None, None, months)
    realised = baseline_cost - now_cost
    if days < MIN_DAYS_FOR_RATE:
        return MeasuredEffect(realised, None, None, months)
    annualised = realised * 12 / min(12.0, months)
    return MeasuredEffect(
        realised=realised,
        annualised=annualised,
        current_year=annualised * year_share(start, now_date.year),
        months=months,
    )


def target_for(value: float | None, *, low_pct: float) -> float | None:
    """The KPI target: the baseline less the low end of the expected reduction."""
    return None if value is None else value * (1 - low_pct / 100)


@dataclass(frozen=True)
class FixedPriceEffect:
    """The measured effect at the prices of ``prices_on`` and what prices did apart from it."""

    prices_on: dt.date
    measured: float | None
    price_effect: float | None


def fixed_price_effect(
    *,
    prices_on: dt.date,
    realised: float | None,
    baseline_fixed: float | None,
    now_fixed: float | None,
    baseline_actual: float | None,
    now_actual: float | None,
) -> FixedPriceEffect:
    """See the module docstring: the four costs from the time data, ``*_fixed`` at the prices
    of ``prices_on``, ``*_actual`` at each month's own prices; ``realised`` the measured
    effect (:func:`measured_effect`)."""
    costs = (baseline_fixed, now_fixed, baseline_actual, now_actual)
    if any(c is None for c in costs):
        return FixedPriceEffect(prices_on, None, None)
    assert baseline_fixed is not None and now_fixed is not None  # for mypy
    assert baseline_actual is not None and now_actual is not None
    price = (baseline_actual - now_actual) - (baseline_fixed - now_fixed)
    return FixedPriceEffect(prices_on, None if realised is None else realised - price, price)


@dataclass(frozen=True)
class SavingsLine:
    """One area of the savings table as the plan page and document show it."""

    area: str
    label: str
    cost_base: float | None
    hours: float | None
    effect_low: float | None
    effect_high: float | None
    text: str


def savings_lines(savings: pl.DataFrame | None) -> tuple[SavingsLine, ...]:
    """The savings table's rows in area order, each with its one-sentence explanation; the
    page and the document both show these, so their numbers cannot differ."""
    if savings is None:
        return ()
    rows = {r["area"]: r for r in savings.iter_rows(named=True)}
    return tuple(
        SavingsLine(
            area=area,
            label=KPIS[area].label,
            cost_base=rows[area].get("cost_base"),
            hours=rows[area].get("hours"),
            effect_low=rows[area].get("effect_low"),
            effect_high=rows[area].get("effect_high"),
            text=KPIS[area].base_text,
        )
        for area in AREAS
        if area in rows
    )
