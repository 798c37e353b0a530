"""The ledger and the time reports, derived from the generated time and employments.

Booked per case (object) and completed month, the way a municipal payroll and ledger would:

* revenue: counted hours (on call 1/4, standby 1/7) capped at the granted hours of the
  settlement period (months in order; hours past the period's granted total earn nothing), times
  the decision's rate or the year's schablonbelopp; FK cases on 3621, KOMMUN cases on 3641 with
  the schablonbelopp as the municipality's internal rate. ``fk_reports`` holds the same paid
  hours per FK case and month.
* monthly salary (5011): each month's paid salary (by days employed, less days of sick leave,
  vab and parental leave) goes to the employee's case in proportion planned hours / contracted
  hours; the rest is idle paid time (tomtid) booked on the unit (case_id empty).
* work training / reassignment salaries (5016, structural): the hours they work on a case are
  charged to it, the rest of their salary to the unit.
* hourly salary incl. 12 % holiday pay (5021), mertid (5031) and overtime (5032 simple x1.8,
  5033 qualified x2.0) at the hourly cost basis monthly_salary / (full time x 52 / 12), OB (5041)
  by the OB windows, on-call and standby pay (5051), sick pay (5061: 80 % of lost planned hours
  on days 1-14 of a spell, the spell's first lost shift being the qualifying deduction).
* social fees (5411 + 5451, the 5410-5499 range) on all wages, HSL (4670, structural) on a few
  cases, other costs (7690) per case, staff training (5810) per unit, and the unit's management
  and coordination (unit manager, coordinators, scheduling) allocated to the cases by granted
  hours (5091).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from timbalans.generator import config
from timbalans.generator.absences import CHILD_CARE, PARENTAL, SICK, Absences
from timbalans.generator.calendar import MIN_PER_DAY
from timbalans.generator.structure import CAT_HOURLY, CAT_STRUCTURAL, Structure
from timbalans.generator.timebook import (
    T_ADD,
    T_ON_CALL,
    T_ORD,
    T_OT_Q,
    T_OT_S,
    T_STANDBY,
    Planned,
    Worked,
)
from timbalans.ingest.accounts import account_categories

WAGE_ACCOUNTS = ("5011", "5016", "5021", "5031", "5032", "5033", "5041", "5051", "5061")
# 5091 (management, allocated) already includes its social fees.
IDLE_TEXT = "Ej schemalagd tid (tomtid)"


def _group_sum(keys: list[np.ndarray], values: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Sum ``values`` by ``keys`` (integer arrays); deterministic order and summation."""
    if len(values) == 0:
        return [k[:0] for k in keys], values[:0]
    order = np.lexsort(keys[::-1])
    ks = [k[order] for k in keys]
    v = values[order]
    change = np.zeros(len(v), dtype=bool)
    change[0] = True
    for k in ks:
        change[1:] |= k[1:] != k[:-1]
    starts = np.flatnonzero(change)
    return [k[starts] for k in ks], np.add.reduceat(v, starts)


class _Book:
    """Ledger rows as (month, case or -1, unit, account, text, amount), summed per
    (month, case or unit, account, text) as they are added."""

    def __init__(self, n_months: int, case_unit: np.ndarray, n_units: int) -> None:
        self.texts: list[str] = []
        self.accounts: list[str] = []
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.n_months = n_months
        self.case_unit = np.asarray(case_unit, dtype=np.int64)
        self.n_cases = len(case_unit)
        # A slot is a case, or a unit (for rows without a case) after all cases.
        self.n_slots = self.n_cases + n_units

    def _code(self, table: list[str], value: str) -> int:
        if value not in table:
            table.append(value)
        return table.index(value)

    def add(
        self,
        month: np.ndarray,
        case: np.ndarray,
        unit: np.ndarray,
        account: str,
        amount: np.ndarray,
        text: str | None = None,
    ) -> None:
        if len(amount) == 0:
            return
        a = self._code(self.accounts, account)
        t = self._code(self.texts, text or config.ACCOUNT_TEXT[account])
        case = np.asarray(case, dtype=np.int64)
        slot = np.where(case >= 0, case, self.n_cases + np.asarray(unit, dtype=np.int64))
        key = np.asarray(month, dtype=np.int64) * self.n_slots + slot
        sums = np.bincount(key, weights=amount, minlength=self.n_months * self.n_slots)
        used = np.bincount(key, minlength=self.n_months * self.n_slots) > 0
        key = np.flatnonzero(used)
        m, slot = key // self.n_slots, key % self.n_slots
        is_case = slot < self.n_cases
        c = np.where(is_case, slot, -1)
        u = np.where(
            is_case, self.case_unit[np.minimum(slot, self.n_cases - 1)], slot - self.n_cases
        )
        n = len(key)
        self.parts.append(
            (m, c, u, np.full(n, a, dtype=np.int64), np.full(n, t, dtype=np.int64), sums[key])
        )

    def rows(self) -> tuple[list[np.ndarray], np.ndarray]:
        if not self.parts:
            return [np.zeros(0, dtype=np.int64)] * 5, np.zeros(0)
        cols = [np.concatenate([p[i] for p in self.parts]) for i in range(6)]
        return _group_sum(cols[:5], cols[5])


def worked_hours(s: Structure, w: Worked) -> tuple[np.ndarray, np.ndarray]:
    """Paid hours and elapsed hours of worked rows."""
    el = s.cal.elapsed_min(w.start, w.end)
    return (el - w.brk) / 60.0, el / 60.0


def counted(w: Worked, hours: np.ndarray) -> np.ndarray:
    f = np.ones(len(hours))
    f[w.type == T_ON_CALL] = config.COUNT_FACTOR["on_call"]
    f[w.type == T_STANDBY] = config.COUNT_FACTOR["standby"]
    return hours * f


def granted_and_rate(s: Structure) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Granted hours, mean rate and settlement period number per (case, month)."""
    cal = s.cal
    code_index = {c["case_id"]: i for i, c in enumerate(s.cases)}
    nc, nm = s.n_cases, cal.n_months
    granted = np.zeros((nc, nm))
    money = np.zeros((nc, nm))
    period = np.zeros((nc, nm), dtype=np.int64)
    m_first = cal.month_first_day
    m_last = m_first + cal.month_days - 1
    schablon = np.array([config.SCHABLON[m.year] for m in cal.months])
    m_abs = np.array([m.year * 12 + m.month - 1 for m in cal.months])
    for dec in s.decisions:
        c = code_index[dec["case_id"]]
        a = cal.day_of(dec["valid_from"])
        b = cal.day_of(dec["valid_to"])
        days = np.clip(np.minimum(b, m_last) - np.maximum(a, m_first) + 1, 0, None)
        h = dec["hours_per_week"] * days / 7.0
        rate = dec["hourly_rate"] if dec["hourly_rate"] is not None else schablon
        granted[c] += h
        money[c] += h * rate
        ps = dec["period_start"]
        ps_abs = ps.year * 12 + ps.month - 1
        period[c] = (m_abs - ps_abs) // dec["period_months"]
    rate = np.divide(money, granted, out=np.zeros_like(money), where=granted > 0)
    return granted, rate, period


def paid_hours(counted_cm: np.ndarray, granted: np.ndarray, period: np.ndarray) -> np.ndarray:
    """Counted hours per (case, booked month) capped at the settlement period's granted hours:
    months in order, and once the period's cumulative counted hours pass its granted total
    (all of the period's months in the calendar), later hours are unpaid."""
    nc, nb = counted_cm.shape
    paid = np.zeros_like(counted_cm)
    cum_c = np.zeros(nc)
    cum_p = np.zeros(nc)
    for m in range(nb):
        new = (period[:, m] != period[:, m - 1]) if m else np.ones(nc, dtype=bool)
        cum_c = np.where(new, 0.0, cum_c) + counted_cm[:, m]
        prev = np.where(new, 0.0, cum_p)
        cum_p = np.minimum(cum_c, _period_total(granted, period, m))
        paid[:, m] = np.maximum(cum_p - prev, 0.0)
    return paid


def _period_total(granted: np.ndarray, period: np.ndarray, m: int) -> np.ndarray:
    same = period == period[:, m : m + 1]
    return (granted * same).sum(axis=1)


def build(
    s: Structure, p: Planned, w: Worked, ab: Absences, rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame]:
    cal = s.cal
    nm = cal.n_booked_months
    book = _Book(max(nm, 1), s.case_unit, len(s.units))
    cat = np.array(s.emp_cat, dtype=np.int8)
    basis = np.array(s.emp_basis)
    emp_case = np.array(s.emp_case, dtype=np.int64)
    case_unit = s.case_unit

    # -- worked time -------------------------------------------------------------------------
    hours, elapsed = worked_hours(s, w)
    month = cal.month[w.start // MIN_PER_DAY].astype(np.int64)
    sel = month < nm
    wc, we, wt, wh, wm = w.case[sel], w.emp[sel], w.type[sel], hours[sel], month[sel]
    wel = elapsed[sel]
    wcat = cat[we]
    wu = case_unit[wc]

    def add(mask: np.ndarray, account: str, amount: np.ndarray) -> None:
        book.add(wm[mask], wc[mask], wu[mask], account, amount[mask])

    hourly = wcat == CAT_HOURLY
    add(hourly & (wt == T_ORD), "5021", wh * basis[we] * (1 + config.HOLIDAY_PAY))
    add(wt == T_ADD, "5031", wh * basis[we])
    add(wt == T_OT_S, "5032", wh * basis[we] * config.OVERTIME_FACTOR["overtime_simple"])
    add(wt == T_OT_Q, "5033", wh * basis[we] * config.OVERTIME_FACTOR["overtime_qualified"])
    add(wt == T_ON_CALL, "5051", wh * config.ON_CALL_PAY)
    add(wt == T_STANDBY, "5051", wh * config.STANDBY_PAY)
    ob = cal.ob_amount(w.start[sel], w.end[sel]) * np.divide(
        wh, wel, out=np.zeros_like(wh), where=wel > 0
    )
    add((wt == T_ORD) | (wt == T_ADD), "5041", ob)

    # -- monthly salaries --------------------------------------------------------------------
    m_first = cal.month_first_day[:nm]
    m_days = cal.month_days[:nm]
    m_last = m_first + m_days - 1
    paid = np.zeros((s.n_emp, nm))
    contracted = np.zeros((s.n_emp, nm))
    day_salary = np.zeros(s.n_emp)
    structural = cat == CAT_STRUCTURAL
    for row in s.employments:
        if row["form"] == "hourly":
            continue
        e = row["emp"]
        a = row["from"]
        b = cal.n_days + 10**6 if row["to"] is None else row["to"]
        days = np.clip(np.minimum(b, m_last) - np.maximum(a, m_first) + 1, 0, None)
        monthly_pay = row["monthly_salary"] * row["employment_rate"] / 100
        paid[e] += monthly_pay * days / m_days
        contracted[e] += row["employment_rate"] / 100 * row["full_time_hours_per_week"] * days / 7
        day_salary[e] = monthly_pay * 12 / 365
    # Days without salary from the employer: sick leave, vab, parental leave.
    unpaid = np.isin(ab.type, [SICK, CHILD_CARE, PARENTAL])
    n = ab.end[unpaid] - ab.start[unpaid] + 1
    rep = np.repeat(np.flatnonzero(unpaid), n)
    day = ab.start[rep] + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    keep = day < m_first[-1] + m_days[-1] if nm else np.zeros(len(day), dtype=bool)
    flat = ab.emp[rep][keep] * nm + cal.month[day[keep]]
    absent_days = np.bincount(flat, minlength=s.n_emp * nm).reshape(s.n_emp, nm) if nm else paid
    paid = np.maximum(paid - absent_days * day_salary[:, None], 0.0)
    planned = _planned_hours(s, p)[:, :nm]
    # Work training / reassignment: charged to a case only for the hours worked there.
    st = structural[we]
    worked_struct = (
        np.bincount(we[st] * nm + wm[st], weights=wh[st], minlength=s.n_emp * nm).reshape(
            s.n_emp, nm
        )
        if nm
        else planned
    )
    planned = np.where(structural[:, None], worked_struct, planned)
    share = np.clip(
        np.divide(planned, contracted, out=np.zeros_like(planned), where=contracted > 0), 0, 1
    )
    e_idx, m_idx = np.nonzero(paid > 0)
    amt = paid[e_idx, m_idx]
    sh = share[e_idx, m_idx]
    struct = structural[e_idx]
    c = emp_case[e_idx]
    u = case_unit[c]
    o = ~struct
    book.add(m_idx[struct], c[struct], u[struct], "5016", (amt * sh)[struct])
    book.add(m_idx[struct], np.full(struct.sum(), -1), u[struct], "5016", (amt * (1 - sh))[struct])
    book.add(m_idx[o], c[o], u[o], "5011", (amt * sh)[o])
    book.add(m_idx[o], np.full(o.sum(), -1), u[o], "5011", (amt * (1 - sh))[o], IDLE_TEXT)

    # -- sick pay ----------------------------------------------------------------------------
    lost = np.flatnonzero((p.emp >= 0) & ~p.intro & (p.day <= cal.until_day))
    e = p.emp[lost]
    d = p.day[lost]
    key_ab = (ab.emp.astype(np.int64) << 21) + ab.start
    i = np.searchsorted(key_ab, (e.astype(np.int64) << 21) + d, side="right") - 1
    ic = np.clip(i, 0, None)
    sick = (
        (i >= 0)
        & (ab.emp[ic] == e)
        & (ab.end[ic] >= d)
        & (ab.type[ic] == SICK)
        & (d - ab.start[ic] < 14)
    )
    lost, i, e, d = lost[sick], ic[sick], e[sick], d[sick]
    order = np.lexsort((p.start[lost], i))
    lost, i, e = lost[order], i[order], e[order]
    _, first = np.unique(i, return_index=True)
    not_first = np.ones(len(i), dtype=bool)
    not_first[first] = False
    lost, e = lost[not_first], e[not_first]
    h = (cal.elapsed_min(p.start[lost], p.end[lost]) - p.brk[lost]) / 60.0
    rate = np.where(cat[e] == CAT_HOURLY, basis[e] * (1 + config.HOLIDAY_PAY), basis[e])
    mm = cal.month[p.day[lost]]
    k = mm < nm
    book.add(
        mm[k],
        p.case[lost][k],
        case_unit[p.case[lost][k]],
        "5061",
        (h * rate * config.SICK_PAY_SHARE)[k],
    )

    # -- per case: HSL, other costs; per unit: training -------------------------------------
    active = _active_months(s)[:, :nm]
    c_idx, m_idx = np.nonzero(active)
    hsl = s.case_hsl[c_idx] * rng.uniform(0.85, 1.15, size=len(c_idx))
    k = hsl > 0
    book.add(m_idx[k], c_idx[k], case_unit[c_idx[k]], "4670", hsl[k])
    hours_week = _granted_week(s)
    other = hours_week[c_idx] * rng.uniform(8, 20, size=len(c_idx))
    book.add(m_idx, c_idx, case_unit[c_idx], "7690", other)
    granted_cm = granted_and_rate(s)[0]
    book.add(
        m_idx,
        c_idx,
        case_unit[c_idx],
        "5091",
        granted_cm[c_idx, m_idx] * config.MANAGEMENT_PER_HOUR,
    )
    nu = len(s.units)
    u_idx = np.repeat(np.arange(nu), nm)
    mu = np.tile(np.arange(nm), nu)
    book.add(mu, np.full(len(mu), -1), u_idx, "5810", rng.uniform(2000, 12000, size=len(mu)))

    # -- revenue -----------------------------------------------------------------------------
    granted, rate_cm, period = granted_and_rate(s)
    cnt = counted(w, hours)
    m_all = month
    counted_cm = np.bincount(
        w.case * cal.n_months + m_all, weights=cnt, minlength=s.n_cases * cal.n_months
    ).reshape(s.n_cases, cal.n_months)
    paid_h = paid_hours(counted_cm[:, :nm], granted, period)
    c_idx, m_idx = np.nonzero(active & (paid_h > 0))
    rev = -paid_h[c_idx, m_idx] * rate_cm[c_idx, m_idx]
    fk = s.case_fk[c_idx]
    book.add(m_idx[fk], c_idx[fk], case_unit[c_idx[fk]], "3621", rev[fk])
    book.add(m_idx[~fk], c_idx[~fk], case_unit[c_idx[~fk]], "3641", rev[~fk])

    # -- social fees on wages ----------------------------------------------------------------
    (m, c, u, acc, _t), amount = book.rows()
    wage_codes = [i for i, a in enumerate(book.accounts) if a in WAGE_ACCOUNTS]
    is_wage = np.isin(acc, wage_codes)
    (fm, fc, fu), wages = _group_sum([m[is_wage], c[is_wage], u[is_wage]], amount[is_wage])
    for account, _text, r in config.SOCIAL_FEES:
        book.add(fm, fc, fu, account, wages * r)
    ledger = _ledger_frame(s, book)

    # -- time reports ------------------------------------------------------------------------
    c_idx, m_idx = np.nonzero(active & s.case_fk[:, None])
    fk_reports = pl.DataFrame(
        {
            "case_id": np.array([s.cases[c]["case_id"] for c in c_idx], dtype=object).astype(str),
            "month": np.array(cal.month_labels)[m_idx] if len(m_idx) else np.zeros(0, dtype=str),
            "reported_hours": np.round(paid_h[c_idx, m_idx], 2),
        },
        schema={"case_id": pl.String, "month": pl.String, "reported_hours": pl.Float64},
    ).sort(["case_id", "month"])
    return ledger, fk_reports


def budget_frame(ledger: pl.DataFrame, year: int) -> pl.DataFrame:
    """budget.csv for ``year`` from the ledger of the year before (config, "budget").

    Per cost centre and month of ``year`` whose month a year earlier is in the ledger: one
    row per category (``case_id`` empty) of the cost centre's cases and unit other than the
    named ones, and one ``result`` row per named case. Rounded to whole kronor.
    """
    accounts = pl.DataFrame(
        {
            "account": [a for a, _, _, _ in config.ACCOUNTS],
            "category": [c for _, _, c, _ in config.ACCOUNTS],
            "structural": [x for _, _, _, x in config.ACCOUNTS],
        }
    )
    named = [c for c, _ in config.WORST_CASES]
    prior = ledger.filter(pl.col("month").str.starts_with(f"{year - 1}-"))
    mapped = account_categories(prior["account"].unique(), accounts).select("account", "category")
    prior = prior.join(mapped, on="account", how="left").with_columns(
        pl.concat_str(pl.lit(f"{year}-"), pl.col("month").str.slice(5, 2)).alias("month")
    )
    revenue = pl.col("category").str.starts_with("revenue_")
    factor = (
        pl.when(revenue)
        .then(pl.lit(config.BUDGET_REVENUE_FACTOR))
        .otherwise(pl.lit(config.BUDGET_COST_FACTOR))
    )
    centre = (
        prior.filter(~pl.col("case_id").is_in(named) | pl.col("case_id").is_null())
        .group_by("month", "cost_center", "category")
        .agg((pl.col("amount") * factor).sum().alias("amount"))
        .with_columns(pl.lit(None, pl.String).alias("case_id"))
    )
    cases = (
        prior.filter(pl.col("case_id").is_in(named))
        .group_by("month", "cost_center", "case_id")
        .agg((-pl.col("amount")).sum().alias("amount"))
        .with_columns(
            pl.lit("result").alias("category"),
            pl.col("amount") * config.BUDGET_NAMED_RESULT_FACTOR,
        )
    )
    columns = ["month", "cost_center", "case_id", "category", "amount"]
    return (
        pl.concat([centre.select(columns), cases.select(columns)])
        .with_columns(pl.col("amount").round(0))
        .sort(["month", "cost_center", "case_id", "category"], nulls_last=True)
    )


def _ledger_frame(s: Structure, book: _Book) -> pl.DataFrame:
    cal = s.cal
    (m, c, u, acc, txt), amount = book.rows()
    amount = np.round(amount, 2)
    keep = amount != 0
    m, c, u, acc, txt, amount = m[keep], c[keep], u[keep], acc[keep], txt[keep], amount[keep]
    case_codes = pl.Series([x["case_id"] for x in s.cases] + [None], dtype=pl.String)
    unit_codes = pl.Series([x["cost_center"] for x in s.units], dtype=pl.String)
    return pl.DataFrame(
        {
            "month": pl.Series(cal.month_labels, dtype=pl.String).gather(m),
            "cost_center": unit_codes.gather(u),
            "case_id": case_codes.gather(np.where(c < 0, len(s.cases), c)),
            "account": pl.Series(book.accounts, dtype=pl.String).gather(acc),
            "amount": amount,
            "text": pl.Series(book.texts, dtype=pl.String).gather(txt),
        }
    ).sort(
        ["month", "cost_center", "case_id", "account", "text"], nulls_last=True, maintain_order=True
    )


def _planned_hours(s: Structure, p: Planned) -> np.ndarray:
    cal = s.cal
    ok = p.emp >= 0
    hours = (cal.elapsed_min(p.start[ok], p.end[ok]) - p.brk[ok]) / 60.0
    flat = p.emp[ok] * cal.n_months + cal.month[p.day[ok]]
    return np.bincount(flat, weights=hours, minlength=s.n_emp * cal.n_months).reshape(
        s.n_emp, cal.n_months
    )


def _active_months(s: Structure) -> np.ndarray:
    cal = s.cal
    first = cal.month_first_day
    last = first + cal.month_days - 1
    return (s.case_from[:, None] <= last[None, :]) & (s.case_to[:, None] >= first[None, :])


def _granted_week(s: Structure) -> np.ndarray:
    out = np.zeros(s.n_cases)
    code_index = {c["case_id"]: i for i, c in enumerate(s.cases)}
    for dec in s.decisions:
        out[code_index[dec["case_id"]]] = dec["hours_per_week"]
    return out
