"""case-economics (ärendeekonomi): one row per case and month, plus each unit's unallocated row.

spec/figures.md "case-economics". Two sources per row:

* **ledger**, when the ledger has rows for the case (or, for the unit row, rows without a case
  on the unit's cost center) in the month: revenue = −Σ amounts of the revenue categories
  (revenue is booked negative); ``cost_<category>`` = Σ amounts of each cost category of
  ``accounts.csv``; structural_cost = Σ cost amounts on accounts marked structural;
* **computed** otherwise, from time, employments and the rate set (below).

``computed_cost_total`` (and ``computed_revenue``) are always computed, so the ledger can be
reconciled with the time data row by row. Every row also carries the cost drivers: worked
(counted) hours, cost and revenue per hour, the shares of hourly staff, overtime and OB hours,
distinct staff and the hours worked past the settlement period's granted total
(``unpaid_hours``).

**Computed revenue.** Counted hours (on call × 1/4, standby × 1/7) in time order within each
settlement period of the case (``timbalans.core.periods``), cumulated from the period's start;
once the period's granted total is passed the later hours are unpaid. Each paid hour earns the
rate of the decision valid on its date: the decision's ``hourly_rate`` (for FK capped at the
standard rate + ``raised_rate_cap_pct``), else the standard hourly rate (FK) or the
municipality's internal rate (KOMMUN) valid on that date. Summed by month this is exactly the
spec's "months in order" rule, and a rate that changes inside a month applies from its date.

**Computed cost** (facts up to D; every amount priced with the rate valid on its own date):

* monthly-paid, ``ordinary`` time: hourly cost basis × hours, on the case (``salary_monthly``);
* ``additional`` (mertid): basis × hours; overtime: basis × hours × the type's factor, or
  monthly_salary / the type's divisor × hours when the divisor in force is above 0 (dated
  rates; AB § 20: /94 simple, /72 qualified; :func:`timbalans.core.rates.with_overtime_factor`);
* hourly-paid (any time type): hourly_wage × (1 + holiday pay rate) × counted hours;
* on call / standby of the monthly-paid: ``on_call_pay`` / ``standby_pay`` per hour
  (``other_staff``; example rates);
* OB: the hours of ``ordinary`` and ``additional`` time in each OB category
  (:mod:`timbalans.core.ob`; windows and storhelg days are dated data of the rate set) × that
  category's amount (overtime pay replaces OB);
* sick pay (:func:`timbalans.figures.absence.sick_pay_pieces`, the one rule absence uses
  too): the dated ``sick_pay_share`` (80 %) × (cost basis, hourly-paid wage × (1 + holiday
  pay), plus the OB amount of the lost hour) × the hours lost on days 1–14 of a sick-pay
  period (planned hours inside the sick absence × extent; without a planned shift, capacity's
  rule), less the qualifying deduction taken in date order, on the case of the lost shift (no
  shift: the employee's unit row);
* **paid absence** on the unit's row ``case_id = ""`` (``paid_absence_cost``): the salary of
  the hours of the rate set's paid absence types (``vacation``, ``other``) × cost basis;
* **idle paid time** (``idle_cost``) on the same row: the month's paid salary of each
  monthly-paid employee (monthly_salary × rate / 100 × days employed / days in the month, up to
  D) less the salary for unpaid absence (``sick``, ``child_care``, ``parental``, ``leave``
  hours by capacity's rule × cost basis), less paid absence (both at most the salary), less
  what was charged to cases above, on the employee's home unit. It may be negative when
  ordinary hours past the contract were charged (time that should have been mertid). Both
  are in ``cost_salary_monthly`` (structural staff: ``cost_training_reassignment``) and are
  shown with their social fees, so ``idle_cost`` counts the hours of capacity's unused_cost;
* social fees: the social fee rate of each amount's date × all of the above.

Employees whose employment status is not ``ordinary`` (work training, reassignment,
rehabilitation) have their salary in ``cost_training_reassignment`` and all their cost,
fees included, in ``structural_cost``. So every krona lands on exactly one case or on the
unit's unallocated row, and the rows add up to the department's computed total.

Where the spec is silent: rows exist for every visible unit × month (the unallocated row, even
when 0) and for every case × month with a decision day, worked time, ledger rows or computed
cost. With a view limited to some cases, time of the unit's staff in cases outside it is not
deducted from the unit's idle row. The importer refuses overlapping employments of one
employee, so the employment in force on a date is the latest started on or before it.
"""

from timbalans.figures.case_economics.base import (
    COLUMNS,
    COST_CATEGORIES,
    COST_COLUMNS,
    UNALLOCATED,
)
from timbalans.figures.case_economics.portfolio import case_results, portfolio_summary
from timbalans.figures.case_economics.table import case_economics

__all__ = [
    "COLUMNS",
    "COST_CATEGORIES",
    "COST_COLUMNS",
    "UNALLOCATED",
    "case_economics",
    "case_results",
    "portfolio_summary",
]
