"""Each hard rule: its check for one candidate and one shift, and its CP-SAT constraints
once satisfied (feasible) and once broken (infeasible)."""

from __future__ import annotations

import pytest

from tests.staffing.helpers import (
    absence,
    allows,
    busy,
    feasible,
    hourly,
    monthly,
    prepared,
    reason,
    shift,
)
from timbalans.staffing.instance import CaseRule, Config
from timbalans.staffing.rules import (
    RULES,
    DailyRest,
    Employed,
    InARow,
    KnownOnly,
    NoOverlap,
    NotAbsent,
    WeeklyRest,
    first_breach,
    rules_for,
)

# ----------------------------------------------------------------------------- employed


def employed_case():
    return prepared(
        [
            shift("TUE", "2026-03-03 07:00", "2026-03-03 15:00"),
            shift("WED", "2026-03-04 07:00", "2026-03-04 15:00"),
            shift("NIGHT", "2026-03-03 22:00", "2026-03-04 06:00"),
        ],
        [monthly("A", employed=("2020-01-01", "2026-03-03"))],
    )


def test_employed_allows_a_shift_on_the_last_day_of_employment():
    p = employed_case()
    assert allows(p, Employed, "A", "TUE")
    assert feasible(p, Employed, [("A", "TUE")])


def test_employed_excludes_a_shift_after_the_employment_ends():
    p = employed_case()
    assert not allows(p, Employed, "A", "WED")
    assert reason(p, Employed, "WED") == "Inte anställd på passets datum"
    assert not feasible(p, Employed, [("A", "WED")])


def test_employed_excludes_a_night_shift_that_runs_into_a_day_without_employment():
    p = employed_case()
    assert not allows(p, Employed, "A", "NIGHT")
    assert not feasible(p, Employed, [("A", "NIGHT")])


# ----------------------------------------------------------------------------- absent


def absent_case():
    return prepared(
        [
            shift("TUE", "2026-03-03 07:00", "2026-03-03 15:00"),
            shift("WED", "2026-03-04 07:00", "2026-03-04 15:00"),
        ],
        [monthly("A", absences=[absence("2026-03-04 00:00", "2026-03-05 00:00")])],
    )


def test_absence_on_another_day_does_not_exclude():
    p = absent_case()
    assert allows(p, NotAbsent, "A", "TUE")
    assert feasible(p, NotAbsent, [("A", "TUE")])


def test_absence_during_the_shift_excludes():
    p = absent_case()
    assert not allows(p, NotAbsent, "A", "WED")
    assert reason(p, NotAbsent, "WED") == "Frånvarande under passet"
    assert not feasible(p, NotAbsent, [("A", "WED")])


# ----------------------------------------------------------------------------- known only


def known_case():
    config = Config(cases={"C1": CaseRule(known_only=True, window_days=30)})
    return prepared(
        [
            shift("C1", "2026-03-03 07:00", "2026-03-03 15:00", case="C1"),
            shift("C2", "2026-03-03 07:00", "2026-03-03 15:00", case="C2"),
        ],
        [
            monthly("KNOWN", known={"C1": "2026-02-20"}),  # 11 days before
            monthly("STALE", known={"C1": "2026-01-10"}),  # 52 days before
        ],
        config,
    )


def test_known_only_case_takes_an_assistant_who_worked_there_within_the_window():
    p = known_case()
    assert allows(p, KnownOnly, "KNOWN", "C1")
    assert feasible(p, KnownOnly, [("KNOWN", "C1")])


def test_known_only_case_excludes_an_assistant_last_there_before_the_window():
    p = known_case()
    assert not allows(p, KnownOnly, "STALE", "C1")
    assert (
        reason(p, KnownOnly, "C1")
        == "Ärendet tar bara emot assistenter som arbetat där de senaste 30 dagarna"
    )
    assert not feasible(p, KnownOnly, [("STALE", "C1")])


def test_a_case_without_the_setting_takes_anyone():
    p = known_case()
    assert allows(p, KnownOnly, "STALE", "C2")
    assert feasible(p, KnownOnly, [("STALE", "C2")])


# ----------------------------------------------------------------------------- overlap


def overlap_case():
    return prepared(
        [
            shift("EVENING", "2026-03-03 14:00", "2026-03-03 22:00"),
            shift("NEXT", "2026-03-04 07:00", "2026-03-04 15:00"),
            shift("EARLY", "2026-03-05 07:00", "2026-03-05 15:00"),
            shift("LATE", "2026-03-05 12:00", "2026-03-05 20:00"),
        ],
        [monthly("A", busy=[busy("2026-03-03 07:00", "2026-03-03 15:00")])],
    )


def test_overlap_with_an_existing_shift_excludes():
    p = overlap_case()
    assert not allows(p, NoOverlap, "A", "EVENING")
    assert (
        reason(p, NoOverlap, "EVENING") == "Har redan pass eller arbetad tid som överlappar passet"
    )
    assert not feasible(p, NoOverlap, [("A", "EVENING")])


def test_a_shift_clear_of_existing_ones_is_allowed():
    p = overlap_case()
    assert allows(p, NoOverlap, "A", "NEXT")
    assert feasible(p, NoOverlap, [("A", "NEXT")])


def test_two_proposed_shifts_that_overlap_cannot_both_go_to_one_person():
    p = overlap_case()
    assert feasible(p, NoOverlap, [("A", "EARLY")])
    assert feasible(p, NoOverlap, [("A", "LATE")])
    assert not feasible(p, NoOverlap, [("A", "EARLY"), ("A", "LATE")])


# ----------------------------------------------------------------------------- daily rest


def daily_case():
    # Existing: Tuesday 07-15.
    return prepared(
        [
            shift("NIGHT", "2026-03-03 22:00", "2026-03-04 06:00"),  # 7 h after: too short
            shift("NEXTDAY", "2026-03-04 07:00", "2026-03-04 15:00"),  # 16 h after
            shift("ON", "2026-03-03 15:30", "2026-03-03 19:00"),  # 30 min after: a break
            shift("BRIDGE", "2026-03-03 15:00", "2026-03-03 22:00"),  # joins 15:00 to 22:00
            shift("AM", "2026-03-05 07:00", "2026-03-05 12:00"),
            shift("PM", "2026-03-05 15:00", "2026-03-05 20:00"),  # 3 h after AM
        ],
        [monthly("A", busy=[busy("2026-03-03 07:00", "2026-03-03 15:00")])],
    )


def test_daily_rest_excludes_a_shift_7_hours_after_another():
    p = daily_case()
    assert not allows(p, DailyRest, "A", "NIGHT")
    assert (
        reason(p, DailyRest, "NIGHT")
        == "Får mindre än 11 timmars dygnsvila före eller efter passet"
    )
    assert not feasible(p, DailyRest, [("A", "NIGHT")])


def test_daily_rest_allows_16_hours_of_rest_and_a_half_hour_break():
    p = daily_case()
    assert allows(p, DailyRest, "A", "NEXTDAY")
    assert allows(p, DailyRest, "A", "ON")
    assert feasible(p, DailyRest, [("A", "NEXTDAY")])
    assert feasible(p, DailyRest, [("A", "ON")])


def test_daily_rest_can_be_bridged_by_another_proposed_shift():
    # 07-15 existing, 15-22 and 22-06 proposed: work in a row, no short rest (the 20-hour
    # rule is another rule's business).
    p = daily_case()
    assert feasible(p, DailyRest, [("A", "BRIDGE"), ("A", "NIGHT")])


def test_daily_rest_between_two_proposed_shifts():
    p = daily_case()
    assert feasible(p, DailyRest, [("A", "AM")])
    assert feasible(p, DailyRest, [("A", "PM")])
    assert not feasible(p, DailyRest, [("A", "AM"), ("A", "PM")])


def test_standby_is_rest_for_the_daily_rest_rule():
    p = prepared(
        [shift("STANDBY", "2026-03-03 18:00", "2026-03-04 03:00", kind="standby")],
        [monthly("A", busy=[busy("2026-03-03 07:00", "2026-03-03 15:00")])],
    )
    assert allows(p, DailyRest, "A", "STANDBY")
    assert feasible(p, DailyRest, [("A", "STANDBY")])


# ----------------------------------------------------------------------------- in a row


def in_a_row_case():
    return prepared(
        [
            shift("LONG", "2026-03-03 11:00", "2026-03-03 23:30"),  # 03:00 to 23:30 = 20.5 h
            shift("DAY", "2026-03-04 07:00", "2026-03-04 15:00"),
            shift("EVE", "2026-03-04 15:00", "2026-03-04 23:00"),  # 16 h with DAY
            shift("LATE", "2026-03-04 23:00", "2026-03-05 05:00"),  # 22 h with DAY and EVE
        ],
        [monthly("A", busy=[busy("2026-03-03 03:00", "2026-03-03 11:00")])],
    )


def test_more_than_20_hours_in_a_row_with_an_existing_shift_excludes():
    p = in_a_row_case()
    assert not allows(p, InARow, "A", "LONG")
    assert reason(p, InARow, "LONG") == "Får mer än 20 timmar arbete och jour i följd"
    assert not feasible(p, InARow, [("A", "LONG")])


def test_16_hours_in_a_row_is_allowed():
    p = in_a_row_case()
    assert allows(p, InARow, "A", "EVE")
    assert feasible(p, InARow, [("A", "DAY"), ("A", "EVE")])


def test_three_proposed_shifts_in_a_row_over_20_hours_cannot_go_to_one_person():
    p = in_a_row_case()
    assert feasible(p, InARow, [("A", "EVE"), ("A", "LATE")])  # 14 h
    assert not feasible(p, InARow, [("A", "DAY"), ("A", "EVE"), ("A", "LATE")])


def test_a_gap_of_exactly_the_longest_break_still_joins_work_in_a_row():
    # 18:30 to 06:30, then an existing shift from 07:30: one hour apart, 20.5 h in a row.
    p = prepared(
        [shift("NIGHT", "2026-03-04 18:30", "2026-03-05 06:30")],
        [hourly("A", busy=[busy("2026-03-05 07:30", "2026-03-05 15:00")])],
    )
    assert not allows(p, InARow, "A", "NIGHT")
    assert not feasible(p, InARow, [("A", "NIGHT")])


def test_on_call_counts_as_work_in_a_row():
    p = prepared(
        [shift("JOUR", "2026-03-03 15:00", "2026-03-04 00:00", kind="on_call")],
        [monthly("A", busy=[busy("2026-03-03 03:00", "2026-03-03 15:00")])],
    )
    assert not allows(p, InARow, "A", "JOUR")  # 03:00 to 24:00 = 21 h
    assert not feasible(p, InARow, [("A", "JOUR")])


@pytest.mark.parametrize(
    "existing",
    [
        # overlapping booked shifts in the data: 08:30-20:00 and 19:00-06:30, 22 h in a row
        [
            busy("2026-03-04 08:30", "2026-03-04 20:00"),
            busy("2026-03-04 19:00", "2026-03-05 06:30"),
        ],
        # the same run as two shifts half an hour apart
        [
            busy("2026-03-04 08:30", "2026-03-04 18:30"),
            busy("2026-03-04 19:00", "2026-03-05 06:30"),
        ],
    ],
    ids=["overlapping", "a-break-apart"],
)
def test_a_shift_may_not_lengthen_work_already_too_long_in_a_row(existing):
    # Existing work from 08:30 to 06:30 is already 22 h in a row; the open shift from 07:00
    # joins it after a 30-minute break (24.5 h in a row), so it is excluded, in the model too.
    p = prepared(
        [shift("MORN", "2026-03-05 07:00", "2026-03-05 09:00")], [hourly("A", busy=existing)]
    )
    assert not allows(p, InARow, "A", "MORN")
    assert not feasible(p, InARow, [("A", "MORN")])


# ----------------------------------------------------------------------------- weekly rest


def weekly_case():
    # Existing: Monday to Friday 07-15; free from Friday 15:00 to Monday 00:00 (57 h).
    days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    return prepared(
        [
            shift("SAT", "2026-03-07 07:00", "2026-03-07 15:00"),  # leaves 16 h and 33 h
            shift("SUN", "2026-03-08 16:00", "2026-03-08 22:00"),  # leaves 49 h
            shift("SAT_AM", "2026-03-07 10:00", "2026-03-07 12:00"),  # leaves exactly 36 h
        ],
        [monthly("A", busy=[busy(f"{x} 07:00", f"{x} 15:00") for x in days])],
    )


def test_weekly_rest_excludes_a_saturday_that_leaves_at_most_33_hours():
    p = weekly_case()
    assert not allows(p, WeeklyRest, "A", "SAT")
    assert (
        reason(p, WeeklyRest, "SAT") == "Får inte 36 timmars sammanhängande veckovila under veckan"
    )
    assert not feasible(p, WeeklyRest, [("A", "SAT")])


def test_weekly_rest_allows_a_sunday_evening_after_49_free_hours():
    p = weekly_case()
    assert allows(p, WeeklyRest, "A", "SUN")
    assert feasible(p, WeeklyRest, [("A", "SUN")])


def test_weekly_rest_of_exactly_36_hours_is_enough():
    p = weekly_case()
    assert allows(p, WeeklyRest, "A", "SAT_AM")  # Saturday 12:00 to Monday 00:00
    assert feasible(p, WeeklyRest, [("A", "SAT_AM")])


def test_two_proposed_shifts_fine_alone_can_break_the_weekly_rest_together():
    # Saturday 10-12 and Sunday 16-22: the longest free stretch is Saturday 12 to Sunday 16.
    p = weekly_case()
    assert not feasible(p, WeeklyRest, [("A", "SAT_AM"), ("A", "SUN")])


def test_standby_is_not_weekly_rest():
    days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
    p = prepared(
        [shift("STANDBY", "2026-03-07 07:00", "2026-03-07 15:00", kind="standby")],
        [monthly("A", busy=[busy(f"{x} 07:00", f"{x} 15:00") for x in days])],
    )
    assert not allows(p, WeeklyRest, "A", "STANDBY")
    assert not feasible(p, WeeklyRest, [("A", "STANDBY")])


# ----------------------------------------------------------------------------- order


def test_the_first_rule_in_order_is_the_reason_given():
    p = prepared(
        [shift("WED", "2026-03-04 07:00", "2026-03-04 15:00")],
        [
            monthly(
                "A",
                employed=("2020-01-01", "2026-03-03"),
                absences=[absence("2026-03-04 00:00", "2026-03-05 00:00")],
            ),
            hourly("B", busy=[busy("2026-03-04 06:00", "2026-03-04 08:00")]),
        ],
    )
    rules = rules_for(p)
    s = p.shifts[0]
    assert first_breach(rules, p.candidates[0], s).code == "employed"
    assert first_breach(rules, p.candidates[1], s).code == "overlap"
    assert [r.code for r in RULES] == [
        "employed",
        "absent",
        "known_only",
        "overlap",
        "daily_rest",
        "in_a_row",
        "weekly_rest",
        "overtime_4w",
        "overtime_month",
        "overtime_year",
        "additional_year",
    ]
