"""The generator's calendar: day and minute indexes, Swedish holidays, OB rates, DST.

Times are integers: a *day* is the number of days since the data's first day, a *minute* the
number of wall-clock minutes since 00:00 local time of that day (naive Europe/Stockholm wall
time, as written to the files). Real elapsed time is recovered with :meth:`Calendar.elapsed`,
which knows the two daylight-saving changes of every year.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np

from timbalans.generator import config

MIN_PER_DAY = 1440


def last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return d - timedelta(days=(d.weekday() - 6) % 7)


def add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, 1)


class Calendar:
    """Days from ``start`` through ``plan_end`` (= until + the plan horizon), plus two spare days
    for shifts that end after midnight."""

    def __init__(self, start: date, until: date, plan_days: int = config.PLAN_DAYS_AFTER_UNTIL):
        self.start = start
        self.until = until
        self.plan_end = until + timedelta(days=plan_days)
        self.n_days = (self.plan_end - start).days + 1
        self.until_day = (until - start).days
        self.grid_days = self.n_days + 2
        days = np.arange(self.grid_days)
        base = np.datetime64(start, "D")
        self.dates64 = base + days
        self.weekday = ((self.dates64.astype("int64") - 4) % 7).astype(np.int8)  # 1970-01-01 Thu
        ymd = self.dates64.astype("datetime64[M]").astype("int64")
        self.year = (ymd // 12 + 1970).astype(np.int16)
        # Month index counted from the start month.
        self.month = (ymd - ymd[0]).astype(np.int16)
        jan1 = (
            ((self.year.astype(np.int64) - 1970) * 12)
            .astype("datetime64[M]")
            .astype("datetime64[D]")
        )
        self._year_pos = (self.dates64 - jan1).astype(np.int64) / 365.0
        self.n_months = int(self.month[self.n_days - 1]) + 1
        self.months = [add_months(start.replace(day=1), i) for i in range(self.n_months)]
        self.month_labels = [f"{m.year:04d}-{m.month:02d}" for m in self.months]
        self.month_first_day = np.array([(m - start).days for m in self.months], dtype=np.int64)
        self.month_days = np.array(
            [(add_months(m, 1) - m).days for m in self.months], dtype=np.int64
        )
        # Completed months before until's month: the ledger's months.
        self.n_booked_months = int(self.month[self.until_day])
        years = range(start.year - 1, self.plan_end.year + 2)
        self.holidays = holidays.Sweden(
            years=years, categories=("public", "de_facto"), language="sv"
        )
        hol = {(d - start).days: name for d, name in self.holidays.items()}
        self.is_holiday = np.array([i in hol for i in range(self.grid_days)], dtype=bool)
        self.red_day = self.is_holiday | (self.weekday >= 5)
        self._build_ob(hol)
        self._build_dst(years)

    # -- dates -------------------------------------------------------------------------------
    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    def day_of(self, d: date) -> int:
        return (d - self.start).days

    def year_fraction(self, day: np.ndarray) -> np.ndarray:
        """Position of each day inside its calendar year, 0..1."""
        return self._year_pos[np.clip(day, 0, self.grid_days - 1)]

    # -- OB ----------------------------------------------------------------------------------
    def _build_ob(self, hol: dict[int, str]) -> None:
        """OB rate (SEK/h) for every hour of the grid, and its running integral per minute."""
        r = config.OB_RATES
        hours = self.grid_days * 24
        rate = np.zeros(hours, dtype=np.float64)
        h = np.arange(hours)
        d = h // 24
        hod = h % 24
        wd = self.weekday[d]
        weekday = (wd < 5) & ~self.is_holiday[d]
        rate[weekday & (hod >= 19) & (hod < 22)] = r["evening"]
        night = (hod >= 22) | (hod < 6)
        rate[night] = np.maximum(rate[night], r["night"])
        # Weekend and other red days: from 19:00 the day before to 07:00 the day after.
        red = self.red_day
        red_prev = np.r_[self._is_red(-1), red[:-1]]
        red_next = np.r_[red[1:], self._is_red(self.grid_days)]
        weekend = red[d] | (red_prev[d] & (hod < 7)) | (red_next[d] & (hod >= 19))
        rate[weekend] = np.maximum(rate[weekend], r["weekend"])
        # Storhelg: from 18:00 the day before the anchor day to 07:00 the next weekday after.
        anchors = [
            i
            for i, n in hol.items()
            if n in ("Långfredagen", "Midsommarafton", "Julafton", "Nyårsafton")
        ]
        anchors += [i - 1 for i, n in hol.items() if n == "Pingstdagen"]
        storhelg = np.zeros(hours, dtype=bool)
        for a in anchors:
            lo = (a - 1) * 24 + 18
            e = a + 1
            while self._is_red(e):
                e += 1
            hi = e * 24 + 7
            storhelg[max(lo, 0) : max(min(hi, hours), 0)] = True
        rate[storhelg] = r["storhelg"]
        rate[storhelg & night] = r["storhelg_night"]
        self.ob_rate_hour = rate
        self._ob_cum_hour = np.r_[0.0, np.cumsum(rate)]

    def _is_red(self, day: int) -> bool:
        d = self.start + timedelta(days=day)
        return d.weekday() >= 5 or d in self.holidays

    def ob_amount(self, start_min: np.ndarray, end_min: np.ndarray) -> np.ndarray:
        """OB SEK for wall-clock intervals (minutes since the start), before breaks."""
        return self._ob_cum(end_min) - self._ob_cum(start_min)

    def _ob_cum(self, m: np.ndarray) -> np.ndarray:
        m = np.clip(m, 0, self.grid_days * MIN_PER_DAY - 1)
        h = m // 60
        return self._ob_cum_hour[h] + self.ob_rate_hour[h] * (m % 60) / 60.0

    # -- DST ---------------------------------------------------------------------------------
    def _build_dst(self, years: range) -> None:
        """Wall-clock minutes at which the UTC offset changes (summer time starts at 03:00 after
        the skipped hour, ends at 03:00 after the repeated hour)."""
        marks = []
        for y in years:
            spring = (last_sunday(y, 3) - self.start).days * MIN_PER_DAY + 3 * 60
            autumn = (last_sunday(y, 10) - self.start).days * MIN_PER_DAY + 3 * 60
            marks += [spring, autumn]
        self._dst_marks = np.array(marks, dtype=np.int64)
        # Forbidden wall-clock hours: the skipped spring hour and the repeated autumn hour.
        self.forbidden = np.array([[m - 60, m] for m in marks], dtype=np.int64)

    def utc_offset_min(self, m: np.ndarray) -> np.ndarray:
        n = np.searchsorted(self._dst_marks, m, side="right")
        # Marks alternate spring, autumn from a winter start: odd count = summer time.
        return np.where(n % 2 == 1, 120, 60)

    def elapsed_min(self, start_min: np.ndarray, end_min: np.ndarray) -> np.ndarray:
        """Real elapsed minutes between wall-clock times."""
        return (end_min - start_min) - self.utc_offset_min(end_min) + self.utc_offset_min(start_min)

    def in_forbidden_hour(self, m: np.ndarray) -> np.ndarray:
        i = np.searchsorted(self.forbidden[:, 0], m, side="right") - 1
        ok = i >= 0
        lo = self.forbidden[np.clip(i, 0, None), 0]
        hi = self.forbidden[np.clip(i, 0, None), 1]
        return ok & (m >= lo) & (m < hi)

    # -- formatting --------------------------------------------------------------------------
    def timestamps(self, m: np.ndarray) -> np.ndarray:
        """datetime64[m] wall-clock values of minute indexes."""
        return np.datetime64(self.start, "m") + m.astype("timedelta64[m]")

    def dates(self, day: np.ndarray) -> np.ndarray:
        return np.datetime64(self.start, "D") + day.astype("timedelta64[D]")
