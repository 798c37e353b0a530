"""One open shift: candidates ranked by tier, continuity, cost, with reasons; the excluded."""

from __future__ import annotations

import pytest

from tests.staffing.helpers import absence, busy, d, hourly, monthly, prepared, shift
from timbalans.staffing.rank import rank_shift


def ranking():
    s = shift("S", "2026-03-03 07:00", "2026-03-03 15:00", case="C1", ob=30.0)
    return rank_shift(
        prepared(
            [s],
            [
                monthly("NEW", unused=10.0),
                monthly("KNOWN_OLD", unused=10.0, known={"C1": "2026-01-15"}),
                monthly("KNOWN_RECENT", unused=10.0, known={"C1": "2026-02-27"}),
                monthly("PART", rate=75, unused=3.0, additional_room=10.0),
                hourly("HOURLY", known={"C1": "2026-02-28"}),
                monthly("SICK", absences=[absence("2026-03-03 00:00", "2026-03-04 00:00")]),
                hourly("BUSY", busy=[busy("2026-03-03 06:00", "2026-03-03 10:00")]),
            ],
        ),
        "S",
    )


def test_candidates_come_in_tier_then_continuity_then_cost_order():
    r = ranking()
    assert [(c.employee_id, c.tier, c.known) for c in r.candidates] == [
        ("KNOWN_RECENT", 1, True),
        ("KNOWN_OLD", 1, True),
        ("NEW", 1, False),
        ("PART", 2, False),
        ("HOURLY", 3, True),
    ]


def test_each_candidate_has_its_reasons_and_cost():
    r = {c.employee_id: c for c in ranking().candidates}
    assert r["KNOWN_RECENT"].reasons == [
        "8 h inom outnyttjad avtalad tid (2026-03)",
        "Känd av brukaren: senast i ärendet 2026-02-27",
        "Merkostnad 45 kr inkl. OB och PO-pålägg",
    ]
    assert r["KNOWN_RECENT"].last_in_case == d("2026-02-27")
    assert r["PART"].reasons == [
        "3 h inom outnyttjad avtalad tid (2026-03)",
        "5 h mertid upp till heltid (2026-03)",
        "Ny för brukaren",
        "Merkostnad 1 545 kr inkl. OB och PO-pålägg",
    ]
    assert r["PART"].hours_by_tier == {1: 3.0, 2: 5.0}
    assert r["PART"].tier_label == "Utökad tid"
    assert r["HOURLY"].cost_sek == pytest.approx(2025.0)
    assert r["HOURLY"].reasons[0] == "Timanställd"


def test_the_excluded_are_listed_with_the_rule_that_excluded_them():
    r = ranking()
    assert [(e.employee_id, e.rule, e.reason) for e in r.excluded] == [
        ("BUSY", "overlap", "Har redan pass eller arbetad tid som överlappar passet"),
        ("SICK", "absent", "Frånvarande under passet"),
    ]


def test_an_unknown_shift_is_an_error_naming_it():
    p = prepared([shift("S", "2026-03-03 07:00", "2026-03-03 15:00")], [monthly("A")])
    with pytest.raises(KeyError, match="Passet X finns inte bland de öppna passen"):
        rank_shift(p, "X")
