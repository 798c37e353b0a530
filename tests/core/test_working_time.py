"""The working-time rule objects: what the limits table counts, and "would E break a limit
if they also worked interval I" (what staffing will ask)."""

from __future__ import annotations

import polars as pl
import pytest

from tests.figures.helpers import table, worked_row
from timbalans.core.working_time import (
    HoursCap,
    RestRule,
    WorkingTimeLimits,
    work_blocks,
    work_frame,
)

LIMITS = WorkingTimeLimits()


def work(*rows: dict) -> pl.DataFrame:
    return work_frame(table("worked", list(rows)))


def one(start: str, end: str, time_type: str = "ordinary", employee: str = "E") -> pl.DataFrame:
    return work(worked_row("C1", employee, start, end, time_type=time_type))


def rule(code: str):
    return next(r for r in LIMITS.rules() if r.code == code)


# Three Mondays of 13 h overtime in February and one in March: 52 h over four weeks.
OVERTIME = work(
    *[
        worked_row("C1", "E", f"2026-{d} 07:00", f"2026-{d} 20:00", time_type="overtime_simple")
        for d in ("02-16", "02-23", "03-02")
    ]
)


def test_a_work_frame_has_hours_after_the_break_and_the_start_date():
    frame = work(worked_row("C1", "E", "2026-03-10 22:00", "2026-03-11 07:00", brk=30))
    assert frame["hours"].to_list() == [8.5]
    assert str(frame["date"][0]) == "2026-03-10"


def test_overlapping_and_touching_work_is_one_block_and_standby_is_rest():
    blocks = work_blocks(
        work(
            worked_row("C1", "E", "2026-03-10 07:00", "2026-03-10 12:00"),
            worked_row("C2", "E", "2026-03-10 12:00", "2026-03-10 15:00"),
            worked_row("C1", "E", "2026-03-10 14:00", "2026-03-10 16:00"),
            worked_row("C1", "E", "2026-03-10 20:00", "2026-03-11 06:00", time_type="standby"),
        )
    )
    assert blocks.height == 1
    assert [str(t)[:16] for t in blocks.row(0)[1:]] == ["2026-03-10 07:00", "2026-03-10 16:00"]


def test_overtime_that_would_fill_four_weeks_past_48_hours_is_reached():
    cap = rule("overtime_4w")
    assert isinstance(cap, HoursCap)
    # 39 h so far; 10 h more on 9 March makes 16 Feb – 9 March 49 h.
    assert cap.reached(OVERTIME, one("2026-03-09 07:00", "2026-03-09 17:00", "overtime_simple"))
    assert not cap.reached(OVERTIME, one("2026-03-09 07:00", "2026-03-09 15:00", "overtime_simple"))


def test_ordinary_time_never_reaches_an_overtime_limit_even_when_one_is_broken():
    broken = pl.concat([OVERTIME, one("2026-03-09 07:00", "2026-03-09 20:00", "overtime_simple")])
    assert rule("overtime_4w").breaches(broken).height > 0
    assert not rule("overtime_4w").reached(broken, one("2026-03-10 07:00", "2026-03-10 20:00"))


def test_a_second_breach_in_a_month_that_has_one_is_reached():
    broken = pl.concat(
        [
            work(
                worked_row(
                    "C1", "E", "2026-02-09 07:00", "2026-02-09 20:00", time_type="overtime_simple"
                )
            ),
            OVERTIME,
        ]
    )
    # The window ending in the week of 2 March has 52 h; one ending the week of 16 March would
    # get 23 Feb + 2 Mar + 16 Mar = 13 + 13 + 23 = 49 h: a breach of its own.
    assert rule("overtime_4w").reached(
        broken, one("2026-03-16 00:00", "2026-03-16 23:00", "overtime_simple")
    )


def test_the_monthly_cap_is_reached_only_past_50_hours():
    cap = rule("overtime_month")
    month = work(
        *[
            worked_row(
                "C1", "E", f"2026-04-{d} 07:00", f"2026-04-{d} 17:00", time_type="overtime_simple"
            )
            for d in ("01", "08", "15", "22")
        ]
    )
    assert not cap.reached(month, one("2026-04-29 07:00", "2026-04-29 17:00", "overtime_simple"))
    assert cap.reached(month, one("2026-04-29 07:00", "2026-04-29 17:30", "overtime_simple"))


def test_a_shift_that_leaves_less_than_11_hours_of_rest_reaches_the_daily_rest():
    rest = rule("daily_rest")
    assert isinstance(rest, RestRule)
    day = one("2026-03-10 07:00", "2026-03-10 16:00")
    # 16:00–01:00 is 9 h, and the 24 hours from 07:00 end at 07:00: no 11 h in one piece.
    assert rest.reached(day, one("2026-03-11 01:00", "2026-03-11 05:00"))
    assert not rest.reached(day, one("2026-03-11 06:00", "2026-03-11 10:00"))  # 14 h
    assert not rest.reached(day, one("2026-03-11 01:00", "2026-03-11 05:00", employee="F"))


def test_a_seventh_day_of_work_in_a_week_reaches_the_weekly_rest():
    week = work(
        *[
            worked_row("C1", "E", f"2026-03-{d} 08:00", f"2026-03-{d} 16:00")
            for d in range(16, 21)  # Monday to Friday
        ]
    )
    rest = rule("weekly_rest")
    assert rest.breaches(week).height == 0  # Friday 16:00 to Monday 00:00 = 56 h
    # The rest must lie inside the week (Monday 00:00 to Monday 00:00).
    assert not rest.reached(week, one("2026-03-21 08:00", "2026-03-21 12:00"))  # 36 h left
    assert rest.reached(week, one("2026-03-21 08:00", "2026-03-21 12:30"))  # 35.5 h
    six = pl.concat([week, one("2026-03-21 08:00", "2026-03-21 12:00")])
    assert rest.reached(six, one("2026-03-22 08:00", "2026-03-22 16:00"))


def test_the_limits_name_every_rule_reached():
    day = one("2026-03-10 07:00", "2026-03-10 16:00")
    assert LIMITS.reached(day, one("2026-03-11 01:00", "2026-03-11 05:00")) == ["daily_rest"]
    assert LIMITS.reached(day, one("2026-03-11 06:00", "2026-03-11 10:00")) == []


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("overtime_4w", 48.0),
        ("overtime_month", 50.0),
        ("overtime_year", 200.0),
        ("additional_year", 200.0),
        ("daily_rest", 11.0),
        ("weekly_rest", 36.0),
    ],
)
def test_the_act_s_limits_are_the_defaults(code, value):
    found = rule(code)
    assert (found.limit_hours if isinstance(found, HoursCap) else found.min_hours) == value
