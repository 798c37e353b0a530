"""hour-balance: every column computed by hand."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.figures.helpers import frames, shift_row, worked_row
from timbalans.figures.hour_balance import COLUMNS, hour_balance, worklist_columns
from timbalans.figures.registry import FigureRequest

CASES = [
    {"case_id": "51470", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"},
    {"case_id": "51357", "unit_id": "U1", "service": "assistans_sfb", "start_date": "2024-01-01"},
    {"case_id": "51463", "unit_id": "U2", "service": "assistans_lss", "start_date": "2024-01-01"},
    {"case_id": "51451", "unit_id": "U2", "service": "assistans_sfb", "start_date": "2024-01-01"},
]
DECISIONS = [
    # 51470: 70 h/week all 2025, six-month periods from 1 January
    {
        "case_id": "51470",
        "payer": "FK",
        "hours_per_week": 70.0,
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "period_start": "2025-01-01",
    },
    # 51357: the decision changes on 1 February, mid-period
    {
        "case_id": "51357",
        "payer": "FK",
        "hours_per_week": 35.0,
        "valid_from": "2025-01-01",
        "valid_to": "2025-01-31",
        "period_start": "2025-01-01",
    },
    {
        "case_id": "51357",
        "payer": "FK",
        "hours_per_week": 70.0,
        "valid_from": "2025-02-01",
        "valid_to": "2025-12-31",
        "period_start": "2025-01-01",
    },
    # 51463: municipal, 7 h/week in March only, one-month periods
    {
        "case_id": "51463",
        "payer": "KOMMUN",
        "hours_per_week": 7.0,
        "valid_from": "2025-03-01",
        "valid_to": "2025-03-31",
        "period_start": "2025-03-01",
        "period_months": 1,
    },
    # 51451: municipal Jan-Feb, then FK: one period with two payers
    {
        "case_id": "51451",
        "payer": "KOMMUN",
        "hours_per_week": 10.0,
        "valid_from": "2025-01-01",
        "valid_to": "2025-02-28",
        "period_start": "2025-01-01",
    },
    {
        "case_id": "51451",
        "payer": "FK",
        "hours_per_week": 50.0,
        "valid_from": "2025-03-01",
        "valid_to": "2025-12-31",
        "period_start": "2025-01-01",
    },
]


w = worked_row
p = shift_row


WORKED = [
    w("51470", "E1", "2025-01-10 07:00", "2025-01-10 16:00", 60),  # 9 h - 1 h break = 8
    w("51470", "E1", "2025-02-01 22:00", "2025-02-02 06:00", 0, "on_call"),  # 8 h x 1/4 = 2
    w("51470", "E1", "2025-02-03 00:00", "2025-02-03 07:00", 0, "standby"),  # 7 h x 1/7 = 1
    w("51470", "E2", "2025-03-29 22:00", "2025-03-30 07:00"),  # summer time starts: 8 h
    # across D 24:00: 20-24 is 4 h less half the break = 3.5; the rest is after D, ignored
    w("51470", "E2", "2025-03-31 20:00", "2025-04-01 04:00", 60),
    w("51470", "E2", "2025-04-02 08:00", "2025-04-02 12:00"),  # after D: ignored
    # 51463: three 12-hour days in March = 36 h against 31 granted
    w("51463", "E3", "2025-03-03 08:00", "2025-03-03 20:00"),
    w("51463", "E3", "2025-03-04 08:00", "2025-03-04 20:00"),
    w("51463", "E3", "2025-03-05 08:00", "2025-03-05 20:00"),
]
SHIFTS = [
    p("51470", "E1", "2025-01-10 07:00", "2025-01-10 16:00", 60),  # 8, before D
    p("51470", "E2", "2025-03-31 20:00", "2025-04-01 04:00", 60),  # 3.5 before D, 3.5 after
    p("51470", None, "2025-05-05 08:00", "2025-05-05 18:00"),  # open shift: 10 after D
    p("51470", "E1", "2025-05-06 22:00", "2025-05-07 06:00", 0, "on_call"),  # not assistance
    # across the period boundary at 1 July: 3.5 in each period, all after D
    p("51470", "E1", "2025-06-30 20:00", "2025-07-01 04:00", 60),
]
D = date(2025, 3, 31)


def rows(**kwargs):
    f = frames(cases=CASES, decisions=DECISIONS, worked=WORKED, shifts=SHIFTS)
    table = hour_balance(f, FigureRequest.make(kwargs.pop("as_of", D), **kwargs))
    assert table.columns == list(COLUMNS)
    return {r["case_id"]: r for r in table.iter_rows(named=True)}


def test_a_case_with_every_kind_of_time():
    r = rows()["51470"]
    assert (r["unit_id"], r["period_start"], r["period_end"], r["payer"]) == (
        "U1",
        date(2025, 1, 1),
        date(2025, 6, 30),
        "FK",
    )
    assert r["granted_hours"] == pytest.approx(70 * 181 / 7)  # 1 810
    assert r["worked_hours"] == pytest.approx(8 + 2 + 1 + 8 + 3.5)  # 22.5
    assert r["planned_hours"] == pytest.approx(8 + 7 + 10 + 3.5)  # 28.5
    assert r["planned_remaining_hours"] == pytest.approx(3.5 + 10 + 3.5)  # 17
    assert r["forecast_hours"] == pytest.approx(39.5)
    assert r["forecast_deviation_hours"] == pytest.approx(39.5 - 1810)
    assert r["forecast_deviation_pct"] == pytest.approx(100 * (39.5 - 1810) / 1810)
    assert r["remaining_granted_hours"] == pytest.approx(1810 - 22.5)
    assert r["weeks_remaining"] == pytest.approx(91 / 7)  # 1 April - 30 June = 91 days = 13 weeks
    assert r["required_hours_per_week"] == pytest.approx((1810 - 22.5) / 13)  # 137.5
    assert r["status"] == "under"
    assert r["is_closed"] is False
    assert r["unpaid_hours"] == 0


def test_a_decision_that_changes_mid_period_adds_day_weighted_parts():
    r = rows()["51357"]
    # 35 h/week for 31 days + 70 h/week for 150 days
    assert r["granted_hours"] == pytest.approx(35 * 31 / 7 + 70 * 150 / 7)  # 1 655
    assert r["required_hours_per_week"] == pytest.approx(1655 / 13)


def test_hours_past_granted_are_unpaid_and_the_status_is_over():
    r = rows()["51463"]
    assert (r["period_start"], r["period_end"], r["payer"]) == (
        date(2025, 3, 1),
        date(2025, 3, 31),
        "KOMMUN",
    )
    assert r["granted_hours"] == pytest.approx(31.0)
    assert r["worked_hours"] == pytest.approx(36.0)
    assert r["unpaid_hours"] == pytest.approx(5.0)
    assert r["forecast_deviation_pct"] == pytest.approx(500 / 31)  # 16.1 % > +1 %
    assert r["status"] == "over"
    assert r["weeks_remaining"] == 0  # the period ends on D
    assert r["required_hours_per_week"] is None
    assert r["is_closed"] is False


def test_a_period_with_two_payers_is_mixed():
    r = rows()["51451"]
    assert r["payer"] == "mixed"
    assert r["granted_hours"] == pytest.approx(10 * 59 / 7 + 50 * 122 / 7)


def test_a_closed_period_has_no_plan_left_and_no_weeks():
    r = rows(as_of=date(2025, 4, 15), date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))[
        "51463"
    ]
    assert r["is_closed"] is True
    assert r["weeks_remaining"] == 0
    assert r["forecast_hours"] == r["worked_hours"] == pytest.approx(36.0)


def test_rows_are_the_periods_overlapping_from_to():
    # D in the second period: 51470 and 51357 show their July-December period
    r = rows(as_of=date(2025, 7, 1))
    assert r["51470"]["period_start"] == date(2025, 7, 1)
    assert r["51470"]["planned_hours"] == pytest.approx(3.5)  # the boundary shift's second part
    assert "51463" not in r  # its only period ended in March
    both = hour_balance(
        frames(cases=CASES, decisions=DECISIONS),
        FigureRequest.make(
            date(2025, 7, 1), date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
        ),
    )
    assert both.filter(both["case_id"] == "51470").height == 2


def test_status_thresholds_are_settings():
    from dataclasses import replace

    from timbalans.figures.settings import FigureSettings

    f = frames(cases=CASES, decisions=DECISIONS, worked=WORKED, shifts=SHIFTS)
    lenient = replace(FigureSettings(), status_over_pct=20.0)
    t = hour_balance(f, FigureRequest.make(D, settings=lenient))
    assert t.filter(t["case_id"] == "51463")["status"].item() == "balanced"


@settings(max_examples=40, deadline=None)
@given(
    hours=st.floats(min_value=0, max_value=168),
    start_month=st.integers(1, 12),
    months=st.integers(1, 6),
    n=st.integers(1, 6),
)
def test_granted_hours_add_up_over_consecutive_periods(hours, start_month, months, n):
    start = date(2025, start_month, 1)
    end_index = start_month - 1 + months * n
    end = date(2025 + end_index // 12, end_index % 12 + 1, 1).toordinal() - 1
    decision = {
        "case_id": "51470",
        "payer": "FK",
        "hours_per_week": hours,
        "valid_from": start.isoformat(),
        "valid_to": date.fromordinal(end).isoformat(),
        "period_start": start.isoformat(),
        "period_months": months,
    }
    t = hour_balance(
        frames(cases=CASES[:1], decisions=[decision]),
        FigureRequest.make(start, date_from=start, date_to=date.fromordinal(end)),
    )
    assert t.height == n
    days = end - start.toordinal() + 1
    assert t["granted_hours"].sum() == pytest.approx(hours * days / 7)


# ------------------------------------------------------------------ schedule horizon


def _one_case(decisions, shifts, worked):
    return frames(
        cases=[CASES[0]],
        decisions=decisions,
        shifts=shifts,
        worked=worked,
    )


def test_a_schedule_ending_early_gets_a_pace_forecast_beside_the_forecast():
    # Period 2025-01-01..2025-06-30 (181 days). D = 2025-01-10: 10 days elapsed, 80 h worked
    # (8 h/day). Planned after D: 2025-01-11..2025-01-20, 8 h a day = 80 h; the schedule ends
    # 2025-01-20. Pace: 80 h / 10 days = 8 h/day on the 161 days 2025-01-21..2025-06-30.
    worked = [
        w("51470", "E1", f"2025-01-{day:02d} 08:00", f"2025-01-{day:02d} 16:00")
        for day in range(1, 11)
    ]
    shifts = [
        p("51470", "E1", f"2025-01-{day:02d} 08:00", f"2025-01-{day:02d} 16:00")
        for day in range(1, 21)
    ]
    f = _one_case([DECISIONS[0]], shifts, worked)
    row = hour_balance(f, FigureRequest.make(date(2025, 1, 10))).row(0, named=True)
    assert row["forecast_hours"] == pytest.approx(160.0)
    assert row["schedule_end"] == date(2025, 1, 20)
    assert row["pace_forecast_hours"] == pytest.approx(160.0 + 161 * 8.0)


def test_the_pace_counts_from_d_when_the_schedule_ended_before_d():
    # Schedule ends 2025-01-05, D = 2025-01-10: 40 h worked in 10 elapsed days (4 h/day),
    # nothing planned after D; 171 days 2025-01-11..2025-06-30 at 4 h/day.
    worked = [
        w("51470", "E1", f"2025-01-{day:02d} 08:00", f"2025-01-{day:02d} 16:00")
        for day in range(1, 6)
    ]
    shifts = [
        p("51470", "E1", f"2025-01-{day:02d} 08:00", f"2025-01-{day:02d} 16:00")
        for day in range(1, 6)
    ]
    f = _one_case([DECISIONS[0]], shifts, worked)
    row = hour_balance(f, FigureRequest.make(date(2025, 1, 10))).row(0, named=True)
    assert row["schedule_end"] == date(2025, 1, 5)
    assert row["pace_forecast_hours"] == pytest.approx(40.0 + 171 * 4.0)


def test_a_schedule_to_the_period_end_or_a_closed_period_keeps_the_forecast():
    worked = [w("51470", "E1", "2025-01-02 08:00", "2025-01-02 16:00")]
    shifts = [p("51470", "E1", "2025-06-30 16:00", "2025-07-01 00:00")]  # ends at midnight
    f = _one_case([DECISIONS[0]], shifts, worked)
    rows = hour_balance(f, FigureRequest.make(date(2025, 1, 10), date_to=date(2025, 7, 1)))
    first = rows.row(0, named=True)
    assert first["schedule_end"] == date(2025, 6, 30)
    assert first["pace_forecast_hours"] == pytest.approx(first["forecast_hours"]) == 16.0
    # the second period has no planned shift: no schedule_end, the forecast (0 h) stands
    second = rows.row(1, named=True)
    assert second["schedule_end"] is None
    assert second["pace_forecast_hours"] == 0.0
    closed = hour_balance(
        _one_case(
            [DECISIONS[0]], [p("51470", "E1", "2025-01-02 08:00", "2025-01-02 16:00")], worked
        ),
        FigureRequest.make(date(2025, 8, 1), date_from=date(2025, 1, 1)),
    ).row(0, named=True)
    assert closed["is_closed"] is True
    assert closed["pace_forecast_hours"] == closed["forecast_hours"] == 8.0


def test_an_open_ended_decision_gives_the_period_containing_d_its_granted_hours():
    # 70 h/week = 10 h/day from 2025-01-01 until further notice; D = 2026-03-15 lies in the
    # period 2026-01-01..2026-06-30 (181 days): 1810 h granted.
    open_ended = {**DECISIONS[0], "valid_to": None}
    f = _one_case([open_ended], [], [])
    row = hour_balance(f, FigureRequest.make(date(2026, 3, 15))).row(0, named=True)
    assert (row["period_start"], row["period_end"]) == (date(2026, 1, 1), date(2026, 6, 30))
    assert row["granted_hours"] == pytest.approx(1810.0)


def test_a_decision_ending_mid_period_keeps_the_period_end_and_ends_its_granted_hours():
    # 70 h/week from 2025-01-01 to 2025-03-31 only (90 days = 900 h); the period keeps its end
    # 2025-06-30; 2025-04-02's 8 h are worked in the period and count.
    short = {**DECISIONS[0], "valid_to": "2025-03-31"}
    worked = [w("51470", "E1", "2025-04-02 08:00", "2025-04-02 16:00")]
    f = _one_case([short], [], worked)
    row = hour_balance(f, FigureRequest.make(date(2025, 4, 10))).row(0, named=True)
    assert row["period_end"] == date(2025, 6, 30)
    assert row["granted_hours"] == pytest.approx(900.0)
    assert row["worked_hours"] == pytest.approx(8.0)
    assert row["is_closed"] is False


def test_the_worklist_puts_the_planned_pace_beside_the_pace_needed():
    # 51470 on D = 2025-03-31: 17 h planned in the 13 weeks left (1.31 h/week) against the
    # 137.5 h/week needed: the schedule must gain 137.5 - 17/13 = 1 770.5/13 = 136.19 h/week,
    # the deviation spread over the weeks left. 51463's period ends on D: no weeks, no pace.
    f = frames(cases=CASES, decisions=DECISIONS, worked=WORKED, shifts=SHIFTS)
    table = hour_balance(f, FigureRequest.make(D)).with_columns(worklist_columns())
    r = {row["case_id"]: row for row in table.iter_rows(named=True)}
    assert r["51470"]["planned_hours_per_week"] == pytest.approx(17 / 13)
    assert r["51470"]["weekly_change_hours"] == pytest.approx(1770.5 / 13)
    assert r["51470"]["weekly_change_hours"] == pytest.approx(
        r["51470"]["required_hours_per_week"] - r["51470"]["planned_hours_per_week"]
    )
    # its last shift ends 30 June 24:00, the period's last day: the schedule covers it
    assert r["51470"]["schedule_missing"] is False
    assert r["51470"]["pace_weekly_change_hours"] is None
    assert r["51463"]["planned_hours_per_week"] is None
    assert r["51463"]["weekly_change_hours"] is None


def test_a_schedule_ending_before_the_open_period_is_missing_after_its_end():
    shifts = [p("51470", "E1", "2025-01-02 08:00", "2025-01-02 16:00")]
    f = _one_case([DECISIONS[0]], shifts, [])
    open_row = hour_balance(f, FigureRequest.make(date(2025, 1, 10))).with_columns(
        worklist_columns()
    )
    assert open_row.select("schedule_end", "schedule_missing").row(0) == (
        date(2025, 1, 2),
        True,
    )
    # nothing worked and nothing planned after D: the pace forecast is 0 h, and all 1 810 h
    # granted remain for the 171 days from D + 1
    assert open_row["pace_weekly_change_hours"].item() == pytest.approx(1810 / (171 / 7))
    closed = hour_balance(
        f, FigureRequest.make(date(2025, 8, 1), date_from=date(2025, 1, 1))
    ).with_columns(worklist_columns())
    assert closed["schedule_missing"].to_list() == [False]  # closed: nothing is missing
