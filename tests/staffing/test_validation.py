"""The solver-independent checker catches every kind of breach."""

from __future__ import annotations

from tests.staffing.helpers import absence, busy, instance, monthly, shift
from timbalans.staffing.instance import Assignment, CaseRule, Config, Solution
from timbalans.staffing.validation import validate_solution

WEEKDAYS = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]


def check(shifts, candidates, given, config=None):
    sol = Solution(assignments=[Assignment(shift_id=s, employee_id=e) for e, s in given])
    found = validate_solution(instance(shifts, candidates), config or Config(), sol)
    return [(v.rule, v.employee_id, v.shift_ids, v.text) for v in found]


def test_a_proposal_that_breaks_nothing_has_no_violations():
    assert (
        check([shift("S", "2026-03-03 07:00", "2026-03-03 15:00")], [monthly("A")], [("A", "S")])
        == []
    )


def test_it_catches_a_shift_given_twice_and_unknown_ids():
    shifts = [shift("S", "2026-03-03 07:00", "2026-03-03 15:00")]
    found = check(
        shifts, [monthly("A"), monthly("B")], [("A", "S"), ("B", "S"), ("A", "X"), ("Z", "S")]
    )
    assert found[:3] == [
        ("duplicate", None, ["S"], "Passet är föreslaget till 3 personer"),
        ("unknown_shift", "A", ["X"], "Passet X finns inte bland de öppna passen"),
        ("unknown_employee", "Z", ["S"], "Anställningsnummer Z finns inte bland kandidaterna"),
    ]


def test_it_catches_a_shift_outside_the_employment():
    found = check(
        [shift("S", "2026-03-04 07:00", "2026-03-04 15:00")],
        [monthly("A", employed=("2020-01-01", "2026-03-03"))],
        [("A", "S")],
    )
    assert found == [("employed", "A", ["S"], "Inte anställd på passets datum")]


def test_it_catches_a_shift_during_an_absence():
    found = check(
        [shift("S", "2026-03-03 07:00", "2026-03-03 15:00")],
        [monthly("A", absences=[absence("2026-03-03 12:00", "2026-03-03 18:00")])],
        [("A", "S")],
    )
    assert found == [("absent", "A", ["S"], "Frånvarande under passet")]


def test_it_catches_an_assistant_unknown_to_a_known_only_case():
    found = check(
        [shift("S", "2026-03-03 07:00", "2026-03-03 15:00", case="C1")],
        [monthly("A", known={"C1": "2025-10-01"})],
        [("A", "S")],
        Config(cases={"C1": CaseRule(known_only=True)}),
    )
    assert found == [
        (
            "known_only",
            "A",
            ["S"],
            "Ärendet tar bara emot assistenter som arbetat där de senaste 90 dagarna",
        )
    ]


def test_it_catches_overlaps_with_existing_and_with_proposed_shifts():
    found = check(
        [
            shift("S1", "2026-03-03 14:00", "2026-03-03 22:00"),
            shift("S2", "2026-03-03 20:00", "2026-03-04 02:00"),
        ],
        [monthly("A", busy=[busy("2026-03-03 07:00", "2026-03-03 15:00")])],
        [("A", "S1"), ("A", "S2")],
    )
    text = "Har redan pass eller arbetad tid som överlappar passet"
    assert [f for f in found if f[0] == "overlap"] == [
        ("overlap", "A", ["S1"], text),
        ("overlap", "A", ["S1", "S2"], text),
    ]


def test_it_catches_a_short_daily_rest():
    found = check(
        [shift("S", "2026-03-03 22:00", "2026-03-04 06:00")],
        [monthly("A", busy=[busy("2026-03-03 07:00", "2026-03-03 15:00")])],
        [("A", "S")],
    )
    assert found == [
        ("daily_rest", "A", ["S"], "Får mindre än 11 timmars dygnsvila före eller efter passet")
    ]


def test_it_catches_too_long_work_in_a_row():
    found = check(
        [
            shift("S1", "2026-03-03 15:00", "2026-03-03 23:00"),
            shift("S2", "2026-03-03 23:00", "2026-03-04 05:00"),
        ],
        [monthly("A", busy=[busy("2026-03-03 07:00", "2026-03-03 15:00")])],
        [("A", "S1"), ("A", "S2")],
    )
    assert found == [
        ("in_a_row", "A", ["S1", "S2"], "Får mer än 20 timmar arbete och jour i följd")
    ]


def test_it_catches_a_week_without_weekly_rest():
    found = check(
        [shift("SAT", "2026-03-07 07:00", "2026-03-07 15:00")],
        [monthly("A", busy=[busy(f"{x} 07:00", f"{x} 15:00") for x in WEEKDAYS])],
        [("A", "SAT")],
    )
    assert found == [
        ("weekly_rest", "A", ["SAT"], "Får inte 36 timmars sammanhängande veckovila under veckan")
    ]


def test_a_breach_made_only_of_existing_commitments_is_not_the_proposals():
    # A already works 07-15 and 20-24 on Tuesday (a 5 h rest); the proposal is on Thursday.
    found = check(
        [shift("THU", "2026-03-05 07:00", "2026-03-05 15:00")],
        [
            monthly(
                "A",
                busy=[
                    busy("2026-03-03 07:00", "2026-03-03 15:00"),
                    busy("2026-03-03 20:00", "2026-03-04 00:00"),
                ],
            )
        ],
        [("A", "THU")],
    )
    assert found == []
