"""Swedish numbers: one implementation for the pages and the documents."""

from __future__ import annotations

from timbalans.reports import fmt
from timbalans.text.numbers import number
from timbalans.web.templatetags import sv

NB = "\u00a0"


def test_it_groups_thousands_with_a_non_breaking_space_and_uses_a_decimal_comma():
    assert number(1234567.84, 1) == f"1{NB}234{NB}567,8"
    assert number(1234) == f"1{NB}234"


def test_it_writes_a_true_minus_sign_but_not_for_what_rounds_to_zero():
    assert number(-1234.5, 1) == f"\u22121{NB}234,5"
    assert number(-0.04, 1) == "0,0"


def test_it_writes_a_dash_for_no_value():
    assert [number(v) for v in (None, "", float("nan"), float("inf"))] == ["–"] * 4


def test_the_pages_and_the_documents_format_with_the_same_function():
    assert sv.number is number
    assert fmt.number is number
    assert sv.hours(1234.56) == f"1{NB}234,6"
    assert fmt.hours(1234.56) == f"1{NB}234,6{NB}h"
