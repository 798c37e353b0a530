import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timbalans.core.periods import (
    add_months,
    granted_hours_by_month,
    month_index,
    period_decisions,
    periods_overlapping,
    settlement_periods,
    superseded_decisions,
)

D = dt.date
SCHEMA = {
    "case_id": pl.String,
    "payer": pl.String,
    "hours_per_week": pl.Float64,
    "double_hours_per_week": pl.Float64,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "period_start": pl.Date,
    "period_months": pl.Int64,
}


def decisions(*rows: tuple) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA, orient="row")


def spans(periods: pl.DataFrame) -> list[tuple[dt.date, dt.date]]:
    return list(zip(periods["period_start"], periods["period_end"], strict=True))


def test_a_decision_change_mid_period_sums_the_day_weighted_parts():
    # 100 h/week for 31 days (January) + 120 h/week for 150 days (Feb-Jun), one chain.
    p = settlement_periods(
        decisions(
            ("A", "FK", 100.0, None, D(2025, 1, 1), D(2025, 1, 31), D(2025, 1, 1), 6),
            ("A", "FK", 120.0, 14.0, D(2025, 2, 1), D(2025, 6, 30), D(2025, 1, 1), 6),
        )
    )
    assert spans(p) == [(D(2025, 1, 1), D(2025, 6, 30))]
    assert p["granted_hours"][0] == pytest.approx(100 * 31 / 7 + 120 * 150 / 7)
    assert p["granted_hours"][0] == pytest.approx(3014.2857142857)
    assert p["granted_double_hours"][0] == pytest.approx(14 * 150 / 7)  # 300
    assert p["payer"].to_list() == ["FK"]


def test_periods_run_in_steps_of_period_months_and_the_last_keeps_its_real_end():
    p = settlement_periods(
        decisions(("A", "FK", 70.0, None, D(2025, 1, 1), D(2026, 2, 15), D(2025, 1, 1), 6))
    )
    assert spans(p) == [
        (D(2025, 1, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 12, 31)),
        # The decision ends mid-period: its granted hours end there (46 days), the row
        # keeps the period's real end so the shortened period's result stays visible.
        (D(2026, 1, 1), D(2026, 6, 30)),
    ]
    assert p["granted_hours"].to_list() == pytest.approx([181 * 10, 184 * 10, 46 * 10])


def test_one_month_periods_from_the_31st_clamp_to_the_month_end():
    p = settlement_periods(
        decisions(("A", "FK", 7.0, None, D(2025, 1, 31), D(2025, 4, 29), D(2025, 1, 31), 1))
    )
    assert spans(p) == [
        (D(2025, 1, 31), D(2025, 2, 27)),
        (D(2025, 2, 28), D(2025, 3, 30)),
        (D(2025, 3, 31), D(2025, 4, 29)),
    ]
    assert p["granted_hours"].to_list() == pytest.approx([28.0, 31.0, 30.0])


def test_a_new_chain_starting_after_valid_from_extends_the_running_period():
    # Decision 2 (3-month periods from April) is valid from March: March stays in the
    # running period of decision 1's chain, which is clipped at 2025-04-01.
    p = settlement_periods(
        decisions(
            ("A", "FK", 100.0, None, D(2025, 1, 1), D(2025, 2, 28), D(2025, 1, 1), 6),
            ("A", "KOMMUN", 120.0, 10.0, D(2025, 3, 1), D(2026, 6, 30), D(2025, 4, 1), 3),
        )
    )
    assert spans(p) == [
        (D(2025, 1, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 9, 30)),
        (D(2025, 10, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
    ]
    assert p["payer"].to_list() == ["mixed"] + ["KOMMUN"] * 5
    assert p["granted_hours"][0] == pytest.approx(100 * 59 / 7 + 120 * 31 / 7)
    assert p["granted_hours"][1] == pytest.approx(120 * 91 / 7)


def test_a_new_chain_that_began_before_valid_from_clips_the_old_period():
    # Decision 2's chain runs from 2025-02-01 in 6-month steps; it takes over at the start of
    # its period containing 2025-04-01, i.e. 2025-02-01, clipping decision 1's period.
    p = settlement_periods(
        decisions(
            ("A", "FK", 100.0, None, D(2025, 1, 1), D(2025, 3, 31), D(2025, 1, 1), 6),
            ("A", "FK", 120.0, None, D(2025, 4, 1), D(2026, 3, 31), D(2025, 2, 1), 6),
        )
    )
    assert spans(p) == [
        (D(2025, 1, 1), D(2025, 1, 31)),
        (D(2025, 2, 1), D(2025, 7, 31)),
        (D(2025, 8, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 7, 31)),
    ]
    assert p["granted_hours"].to_list() == pytest.approx(
        [100 * 31 / 7, 100 * 59 / 7 + 120 * 122 / 7, 120 * 184 / 7, 120 * 59 / 7]
    )


def test_the_first_period_starts_at_the_first_valid_from():
    p = settlement_periods(
        decisions(
            # grid starts after valid_from: a short first period
            ("A", "FK", 70.0, None, D(2024, 11, 15), D(2025, 12, 31), D(2025, 1, 1), 6),
            # grid started before valid_from: the first period is clipped
            ("B", "FK", 70.0, None, D(2025, 3, 1), D(2026, 2, 28), D(2025, 1, 1), 6),
        )
    )
    assert spans(p.filter(case_id="A")) == [
        (D(2024, 11, 15), D(2024, 12, 31)),
        (D(2025, 1, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 12, 31)),
    ]
    assert spans(p.filter(case_id="B")) == [
        (D(2025, 3, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 6, 30)),
    ]
    assert p.filter(case_id="A")["granted_hours"][0] == pytest.approx(47 * 10)


def test_a_gap_between_decisions_stays_inside_the_period_with_no_granted_days():
    p = settlement_periods(
        decisions(
            ("A", "FK", 70.0, None, D(2025, 1, 1), D(2025, 2, 28), D(2025, 1, 1), 6),
            ("A", "FK", 35.0, None, D(2025, 5, 1), D(2025, 12, 31), D(2025, 1, 1), 6),
        )
    )
    assert spans(p) == [(D(2025, 1, 1), D(2025, 6, 30)), (D(2025, 7, 1), D(2025, 12, 31))]
    assert p["granted_hours"].to_list() == pytest.approx([590 + 305, 920])


def test_default_period_months_is_six():
    p = settlement_periods(
        decisions(("A", "FK", 7.0, None, D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 1), None))
    )
    assert spans(p) == [(D(2025, 1, 1), D(2025, 6, 30)), (D(2025, 7, 1), D(2025, 12, 31))]


def test_period_decisions_gives_each_decisions_part():
    parts = period_decisions(
        decisions(
            ("A", "FK", 100.0, None, D(2025, 1, 1), D(2025, 1, 31), D(2025, 1, 1), 6),
            ("A", "FK", 120.0, None, D(2025, 2, 1), D(2025, 6, 30), D(2025, 1, 1), 6),
        )
    )
    assert parts["days"].to_list() == [31, 150]
    assert parts["granted_hours"].to_list() == pytest.approx([100 * 31 / 7, 120 * 150 / 7])
    assert parts["valid_from"].to_list() == [D(2025, 1, 1), D(2025, 2, 1)]


def test_granted_hours_by_month_uses_days_over_seven():
    m = granted_hours_by_month(
        decisions(
            ("A", "FK", 100.0, None, D(2025, 1, 1), D(2025, 1, 31), D(2025, 1, 1), 6),
            ("A", "KOMMUN", 120.0, 7.0, D(2025, 1, 20), D(2025, 3, 10), D(2025, 1, 1), 6),
        )
    )
    assert m["month"].to_list() == ["2025-01", "2025-02", "2025-03"]
    assert m["payer"].to_list() == ["mixed", "KOMMUN", "KOMMUN"]
    assert m["granted_hours"].to_list() == pytest.approx(
        [100 * 31 / 7 + 120 * 12 / 7, 120 * 28 / 7, 120 * 10 / 7]
    )
    assert m["granted_double_hours"].to_list() == pytest.approx([12.0, 28.0, 10.0])


def test_invalid_decisions_are_refused():
    with pytest.raises(ValueError, match="valid_to before valid_from"):
        settlement_periods(
            decisions(("A", "FK", 1.0, None, D(2025, 2, 1), D(2025, 1, 1), D(2025, 1, 1), 6))
        )


def test_periods_overlapping_selects_by_date_range():
    p = settlement_periods(
        decisions(("A", "FK", 7.0, None, D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 1), 3))
    )
    assert spans(periods_overlapping(p, D(2025, 5, 15), D(2025, 5, 15))) == [
        (D(2025, 4, 1), D(2025, 6, 30))
    ]
    assert periods_overlapping(p, D(2025, 3, 31), D(2025, 7, 1)).height == 3


def test_add_months_is_counted_from_the_anchor():
    df = pl.DataFrame({"d": [D(2025, 1, 31)] * 4, "n": [1, 2, -1, 13]})
    got = df.select(add_months(pl.col("d"), pl.col("n")).alias("x"))["x"].to_list()
    assert got == [D(2025, 2, 28), D(2025, 3, 31), D(2024, 12, 31), D(2026, 2, 28)]


def test_add_months_clamps_to_leap_days_and_keeps_nulls():
    df = pl.DataFrame(
        {
            "d": [D(2024, 1, 31), D(2024, 3, 31), D(2023, 8, 29), None, D(2025, 6, 15)],
            "n": [1, -1, 6, 2, None],
        }
    )
    got = df.select(add_months(pl.col("d"), pl.col("n")).alias("x"))["x"].to_list()
    assert got == [D(2024, 2, 29), D(2024, 2, 29), D(2024, 2, 29), None, None]


# ------------------------------------------------------------------ properties

day = st.integers(0, 4 * 365)
EPOCH = D(2024, 1, 1)


@st.composite
def decision_sets(draw):
    n = draw(st.integers(1, 4))
    starts = sorted(draw(st.lists(day, min_size=n, max_size=n, unique=True)))
    rows = []
    for i, s in enumerate(starts):
        nxt = starts[i + 1] if i + 1 < n else s + draw(st.integers(1, 900))
        # sometimes leave a gap before the next decision
        end = nxt - 1 - (draw(st.integers(0, 40)) if i + 1 < n else 0)
        end = max(end, s)
        anchor = EPOCH + dt.timedelta(days=s + draw(st.integers(-200, 200)))
        rows.append(
            (
                "A",
                draw(st.sampled_from(["FK", "KOMMUN"])),
                float(draw(st.integers(0, 168))),
                float(draw(st.integers(0, 20))),
                EPOCH + dt.timedelta(days=s),
                EPOCH + dt.timedelta(days=end),
                anchor,
                draw(st.integers(1, 6)),
            )
        )
    return decisions(*rows)


@settings(max_examples=200, deadline=None)
@given(decision_sets())
def test_granted_hours_add_up_over_consecutive_periods(dec):
    p = settlement_periods(dec)
    total = (
        dec["hours_per_week"] * ((dec["valid_to"] - dec["valid_from"]).dt.total_days() + 1) / 7
    ).sum()
    assert p["granted_hours"].sum() == pytest.approx(total, rel=1e-12, abs=1e-9)
    assert granted_hours_by_month(dec)["granted_hours"].sum() == pytest.approx(
        total, rel=1e-12, abs=1e-9
    )
    # Contiguous, non-overlapping, covering first valid_from .. the end of the period that
    # contains the last valid_to.
    starts, ends = p["period_start"].to_list(), p["period_end"].to_list()
    assert starts[0] == dec["valid_from"].min()
    assert starts[-1] <= dec["valid_to"].max() <= ends[-1]
    for e, s in zip(ends[:-1], starts[1:], strict=True):
        assert s == e + dt.timedelta(days=1)
    assert all(s <= e for s, e in zip(starts, ends, strict=True))
    # No period is longer than the longest period_months in play (a period starting on a
    # clamped date, e.g. Feb 28 of a grid anchored on the 29th, may run to the 28th).
    longest = dec["period_months"].max()
    span = p.select(
        months=month_index(pl.col("period_end")) - month_index(pl.col("period_start")),
        days=(pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1,
    )
    assert (span["months"] <= longest).all()
    assert (span["days"] <= 31 * longest).all()


# ------------------------------------------------------------------ decisions as data.md reads them


def test_a_newer_decision_of_the_same_payer_supersedes_the_older_from_its_start():
    # The old decision (70 h/week) says it runs to 2025-12-31, the new one (140 h/week) starts
    # 2025-04-01: the old one ends 2025-03-31. Never 70 + 140 over April-June.
    p = settlement_periods(
        decisions(
            ("A", "FK", 70.0, None, D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 1), 6),
            ("A", "FK", 140.0, None, D(2025, 4, 1), D(2025, 12, 31), D(2025, 1, 1), 6),
        )
    )
    # Jan-Mar 90 days × 10 h/day + Apr-Jun 91 days × 20 h/day; Jul-Dec 184 days × 20 h/day.
    assert p["granted_hours"].to_list() == pytest.approx([900 + 1820, 3680])
    months = granted_hours_by_month(
        decisions(
            ("A", "FK", 70.0, None, D(2025, 1, 1), D(2025, 12, 31), D(2025, 1, 1), 6),
            ("A", "FK", 140.0, None, D(2025, 4, 1), D(2025, 12, 31), D(2025, 1, 1), 6),
        )
    )
    assert months.filter(month="2025-04")["granted_hours"].item() == pytest.approx(600.0)


def test_decisions_of_two_payers_both_count():
    p = settlement_periods(
        decisions(
            ("A", "FK", 70.0, None, D(2025, 1, 1), D(2025, 6, 30), D(2025, 1, 1), 6),
            ("A", "KOMMUN", 7.0, None, D(2025, 2, 1), D(2025, 6, 30), D(2025, 1, 1), 6),
        )
    )
    assert p["payer"].to_list() == ["mixed"]
    assert p["granted_hours"].to_list() == pytest.approx([1810 + 150])


def test_superseded_decisions_lists_the_older_decision_and_its_new_end():
    got = superseded_decisions(
        decisions(
            ("A", "FK", 70.0, None, D(2025, 1, 1), None, D(2025, 1, 1), 6),
            ("A", "FK", 140.0, None, D(2025, 4, 1), None, D(2025, 1, 1), 6),
            ("A", "KOMMUN", 7.0, None, D(2025, 2, 1), D(2025, 3, 31), D(2025, 1, 1), 6),
            ("B", "FK", 70.0, None, D(2025, 1, 1), D(2025, 3, 31), D(2025, 1, 1), 6),
            ("B", "FK", 70.0, None, D(2025, 4, 1), D(2025, 9, 30), D(2025, 1, 1), 6),
        )
    )
    assert got.select("case_id", "valid_from", "new_valid_from", "new_valid_to").rows() == [
        ("A", D(2025, 1, 1), D(2025, 4, 1), D(2025, 3, 31))
    ]


def test_an_open_ended_decision_runs_through_the_period_containing_the_horizon():
    # 35 h/week = 5 h/day from 2025-03-01 until further notice, 6-month periods from January.
    dec = decisions(("A", "FK", 35.0, None, D(2025, 3, 1), None, D(2025, 1, 1), 6))
    p = settlement_periods(dec, horizon=D(2026, 2, 10))
    assert spans(p) == [
        (D(2025, 3, 1), D(2025, 6, 30)),
        (D(2025, 7, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 6, 30)),
    ]
    # 122, 184 and 181 days × 5 h
    assert p["granted_hours"].to_list() == pytest.approx([610.0, 920.0, 905.0])
    months = granted_hours_by_month(dec, horizon=D(2026, 2, 10))
    assert months["month"].to_list()[-1] == "2026-06"
    assert months.filter(month="2026-06")["granted_hours"].item() == pytest.approx(150.0)


def test_an_open_ended_decision_starting_after_the_horizon_runs_through_its_first_period():
    dec = decisions(
        ("A", "FK", 35.0, None, D(2025, 1, 1), None, D(2025, 1, 1), 6),
        ("A", "FK", 70.0, None, D(2026, 9, 1), None, D(2025, 1, 1), 6),
    )
    p = settlement_periods(dec, horizon=D(2026, 2, 10))
    assert spans(p)[-1] == (D(2026, 7, 1), D(2026, 12, 31))
    # July-August at 5 h/day (62 days), September-December at 10 h/day (122 days).
    assert p["granted_hours"][-1] == pytest.approx(62 * 5 + 122 * 10)


def test_an_open_ended_decision_without_a_horizon_is_refused():
    with pytest.raises(ValueError, match="horizon"):
        settlement_periods(
            decisions(("A", "FK", 35.0, None, D(2025, 3, 1), None, D(2025, 1, 1), 6))
        )
