"""XLSX export: sheet titles Excel accepts, whatever the tables are called."""

from __future__ import annotations

import fastexcel
import polars as pl
import pytest

from timbalans.figures.export import sheet_titles, to_xlsx


def _sheet_names(data: bytes) -> list[str]:
    return fastexcel.read_excel(data).sheet_names


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Bemanning: överkapacitet", "Bemanning- överkapacitet"),
        ("Ärende A:1", "Ärende A-1"),
        ("a[b]c*d?e/f\\g", "a-b-c-d-e-f-g"),
        ("'citat'", "citat"),
        ("", "Blad"),
        ("  ", "Blad"),
    ],
)
def test_it_replaces_what_excel_forbids_in_a_sheet_title(name, title):
    assert sheet_titles([name]) == [title]


def test_it_cuts_a_title_to_31_characters():
    assert sheet_titles(["Bemanning: överkapacitet mot köpt tid"]) == [
        "Bemanning- överkapacitet mot kö"
    ]


def test_it_numbers_titles_that_would_be_the_same_in_any_case():
    long = "x" * 40
    assert sheet_titles(["Ärenden", "ärenden", "ÄRENDEN", long, long]) == [
        "Ärenden",
        "ärenden (2)",
        "ÄRENDEN (3)",
        "x" * 31,
        "x" * 27 + " (2)",
    ]


def test_it_keeps_clear_of_the_fixed_sheets_and_the_reserved_title():
    assert sheet_titles(["Satser", "History"], taken=["Inställningar", "Satser"]) == [
        "Satser (2)",
        "History (2)",
    ]


def test_an_export_whose_titles_excel_forbids_is_written_with_every_table():
    one = pl.DataFrame({"case_id": ["A:1"]})
    two = pl.DataFrame({"case_id": ["B"]})
    data = to_xlsx(
        [("Ärende A:1", one), ("Ärende A:1", two), ("Satser", two)],
        settings={"status_over_pct": 5},
        rates=[],
    )
    assert _sheet_names(data) == [
        "Ärende A-1",
        "Ärende A-1 (2)",
        "Satser (2)",
        "Inställningar",
        "Satser",
    ]
    second = pl.read_excel(data, sheet_name="Ärende A-1 (2)")
    assert second["Ärende"].to_list() == ["B"]
