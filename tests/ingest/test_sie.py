"""SIE 4: what each label becomes, and every kind of bad input with its exact message naming
the file, the line and the label."""

from __future__ import annotations

import pytest

from tests.builders import write_set
from tests.ingest.exchange_samples import SIE_BODY, sie
from timbalans.ingest.exchange import SIE, exchange_format
from timbalans.ingest.exchange_options import SieOptions
from timbalans.ingest.read import read_dataset
from timbalans.ingest.sie import read_sie
from timbalans.ingest.validate import validate


def with_sie(tmp_path, document: bytes, name: str = "bokforing.se"):
    directory = write_set(tmp_path / "s", ledger=None)
    (directory / name).write_bytes(document)
    return validate(read_dataset(directory))


def problems_of(tmp_path, *body: str) -> list[str]:
    return [str(p) for p in with_sie(tmp_path, sie(*body)).problems]


def ledger_rows(document: bytes, options: SieOptions | None = None) -> list[tuple]:
    read = read_sie("bok.se", document, options)
    assert read.problems == []
    return read.frames["ledger"][0].rows() if "ledger" in read.frames else []


def test_trans_rows_on_result_accounts_become_ledger_rows(tmp_path):
    ds = with_sie(tmp_path, sie(*SIE_BODY))
    assert ds.problems == []
    assert ds.frames["ledger"].drop("_row").rows() == [
        ("2025-01", "81515", "51470", "3010", -1000.5, "Assistansersättning"),
        ("2025-01", "81515", None, "5010", 2000.0, "Månadslön"),
    ]
    assert "bokforing.se: 1 rader hoppades över (konto 1930: 1)." in ds.notes


def test_month_from_transdat_else_the_ver_date_and_text_from_the_ver_when_the_row_has_none():
    document = sie(
        '#VER "B" "7" 20250228 "Februari"',
        "{",
        '#TRANS 5010 {1 "81515"} 100.00 20250301',
        '#TRANS 5010 {"1" "81515" "6" "51470"} -100.00',
        "}",
    )
    assert ledger_rows(document) == [
        ("2025-03", "81515", None, "5010", "100.00", "Februari"),
        ("2025-02", "81515", "51470", "5010", "-100.00", "Februari"),
    ]


def test_tabs_spaces_quoted_labels_and_escaped_quotes_are_read():
    document = sie(
        '"#VER"\tA\t1\t20250131\t"Lön \\"jan\\""',
        "{",
        '   "#TRANS"\t 5010\t{1\t"81515"}\t  250.5  ""  "a \\"b\\""',
        "\t#TRANS 2710 {} -250.5",
        "}",
    )
    assert ledger_rows(document) == [("2025-01", "81515", None, "5010", "250.5", 'a "b"')]


def test_a_block_opened_on_the_ver_line_is_read():
    document = sie(
        '#VER A 1 20250131 "Jan" {', '#TRANS 5010 {1 "81515"} 5', "#TRANS 1930 {} -5", "}"
    )
    assert ledger_rows(document) == [("2025-01", "81515", None, "5010", "5", "Jan")]


def test_rtrans_adds_a_row_once_and_btrans_removes_one():
    document = sie(
        '#VER A 1 20250131 "Rättad"',
        "{",
        '#TRANS 5010 {1 "81515"} 300.00',
        '#BTRANS 5010 {1 "81515"} 300.00',  # removed afterwards: no longer counted
        '#RTRANS 5020 {1 "81515"} 300.00',  # added afterwards ...
        '#TRANS 5020 {1 "81515"} 300.00',  # ... and its copy for older readers
        "#TRANS 1930 {} -600.00",
        "}",
    )
    assert ledger_rows(document) == [
        ("2025-01", "81515", None, "5010", "300.00", "Rättad"),
        ("2025-01", "81515", None, "5020", "300.00", "Rättad"),
    ]


def test_balance_class_0_and_9_and_non_numeric_accounts_are_skipped_and_counted():
    document = sie(
        "#VER A 1 20250131",
        "{",
        "#TRANS 1930 {} -10",
        "#TRANS 2710 {} -10",
        "#TRANS 0100 {} 5",
        "#TRANS 9100 {} 5",
        "#TRANS 2710 {} 10",
        "#TRANS XYZ {} 0",
        "}",
    )
    read = read_sie("bok.se", document)
    assert read.problems == [] and read.frames == {}
    assert read.skipped == {"1930": 1, "2710": 2, "0100": 1, "9100": 1, "XYZ": 1}


def test_the_dimensions_of_case_and_cost_centre_come_from_the_options():
    document = sie(
        "#VER A 1 20250131", "{", '#TRANS 5010 {20 "81515" 7 "51470"} 1', "#TRANS 1930 {} -1", "}"
    )
    rows = ledger_rows(document, SieOptions(case_dim="7", cost_center_dim="20"))
    assert rows == [("2025-01", "81515", "51470", "5010", "1", None)]


def test_pc8_is_the_default_and_other_declared_encodings_are_honoured():
    body = ('#VER A 1 20250131 "Månadslön åäö"', "{", "#TRANS 5010 {} 1", "#TRANS 1930 {} -1", "}")
    pc8 = sie(*body)
    assert "Månadslön".encode("cp437") in pc8
    assert ledger_rows(pc8)[0][5] == "Månadslön åäö"
    assert ledger_rows(pc8.replace(b"#FORMAT PC8\r\n", b""))[0][5] == "Månadslön åäö"
    utf8 = sie(*body, fmt="UTF-8", encoding="utf-8")
    assert ledger_rows(utf8)[0][5] == "Månadslön åäö"


def test_a_file_is_recognised_by_its_labels_whatever_its_name(tmp_path):
    assert exchange_format(sie(*SIE_BODY)) == SIE
    assert exchange_format(b"\xef\xbb\xbf" + sie(*SIE_BODY, fmt="UTF-8")) == SIE
    assert exchange_format(b"konto;belopp\n5010;1\n") is None
    assert exchange_format(b"# Rubrik\n#FLAGGA 0\nkonto;belopp\n") is None
    ds = with_sie(tmp_path, sie(*SIE_BODY), name="EXPORT.TXT.1")
    assert ds.files["ledger"].name == "EXPORT.TXT.1"


def test_a_file_without_ledger_rows_is_valid():
    read = read_sie("bok.se", sie())
    assert read.problems == [] and read.frames == {}


# ---------------------------------------------------------------- bad input


def test_an_unbalanced_ver_is_an_error_naming_its_line(tmp_path):
    body = list(SIE_BODY)
    body[4] = "\t#TRANS 1930 {} -999.00"
    assert problems_of(tmp_path, *body) == [
        "bokforing.se, rad 7, #VER: verifikationen A 1 summerar till 0.50, inte 0; förväntat att "
        "debet och kredit går jämnt ut."
    ]


def test_a_transaction_on_an_unmapped_result_account_is_named_at_its_line(tmp_path):
    body = [*SIE_BODY[:4], '\t#TRANS 7010 {1 "81515"} 999.50', "\t#TRANS 1930 {} -1999.00", "}"]
    assert problems_of(tmp_path, *body) == [
        'bokforing.se, rad 11, #TRANS konto: kontot "7010" finns inte i kontoplanen; förväntat ett '
        "konto som accounts mappar till en kategori."
    ]


def test_a_wrong_format_is_an_error_naming_its_line(tmp_path):
    assert [str(p) for p in with_sie(tmp_path, sie(*SIE_BODY, fmt="EBCDIC")).problems] == [
        'bokforing.se, rad 2, #FORMAT: teckenkodningen "EBCDIC" i #FORMAT är okänd; förväntat PC8 '
        "(standarden), UTF-8, ISO-8859-1 eller CP1252."
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            SIE_BODY[:-1],
            "bokforing.se, rad 7, #VER: verifikationen A 1 saknar avslutande }; förväntat } efter "
            "sista #TRANS.",
        ),
        (
            (*SIE_BODY[:-1], *SIE_BODY),
            "bokforing.se, rad 7, #VER: verifikationen A 1 saknar avslutande }; förväntat } efter "
            "sista #TRANS.",
        ),
    ],
    ids=["at-the-end", "before-the-next-ver"],
)
def test_a_missing_closing_brace_is_an_error_naming_the_ver(tmp_path, body, expected):
    assert problems_of(tmp_path, *body) == [expected]


def test_rows_outside_a_ver_a_bad_amount_and_a_date_that_does_not_exist_are_errors(tmp_path):
    assert problems_of(
        tmp_path,
        "#TRANS 5010 {} 1",
        "#VER A 2 20250230",
        "{",
        '#TRANS 5010 {1 "81515"} 1,5',
        "}",
    ) == [
        "bokforing.se, rad 7, #TRANS: #TRANS står utanför en verifikation; förväntat den mellan { "
        "och } efter #VER.",
        'bokforing.se, rad 8, #VER datum: datumet "20250230" finns inte; förväntat ÅÅÅÅMMDD, t.ex. '
        "20250331.",
        'bokforing.se, rad 10, #TRANS belopp: beloppet "1,5" är inte ett tal; förväntat t.ex. '
        "-1234.50.",
    ]
