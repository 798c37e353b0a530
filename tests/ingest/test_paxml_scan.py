"""The fast PAXml reader (``paxml_scan``): it reads what the general reader reads, row for row
and problem for problem, across chunk ends and in every record form; and it leaves every file
it is not made for to the general reader (``NotPlain``) instead of reading it differently."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ingest.exchange_samples import paxml, tidtrans
from tests.ingest.test_paxml import BILLION_LAUGHS, PERSONAL
from timbalans.ingest import paxml_scan
from timbalans.ingest.exchange import ExchangeRead
from timbalans.ingest.exchange_options import PaxmlOptions
from timbalans.ingest.paxml import read_general, read_paxml, read_plain
from timbalans.ingest.paxml_scan import NotPlain, learn

NO_CASE = (
    'tidtransaktionen saknar ärende; förväntat <resenhet dim="6" id="…"> under <resenheter> '
    "för arbetad tid."
)
DAY = {"start": "2025-01-10T07:00:00", "end": "2025-01-10T16:00:00"}


def summary(read: ExchangeRead) -> tuple[Any, ...]:
    """All a read gives: problems, skipped codes, and each frame with its source map."""
    return (
        [str(p) for p in read.problems],
        read.skipped,
        {
            table: (frame.columns, frame.rows(), s.rows, s.lines, dict(s.elements), s.cost_centers)
            for table, (frame, s) in read.frames.items()
        },
    )


def both(document: bytes, options: PaxmlOptions | None = None) -> ExchangeRead:
    """The fast reader's result, after checking that the general reader gives the same."""
    options = options or PaxmlOptions()
    plain = read_plain("tid.xml", document, options)
    assert summary(plain) == summary(read_general("tid.xml", document, options))
    return plain


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of at least 64 bytes: a chunk ends after (almost) every record."""
    monkeypatch.setattr(paxml_scan, "CHUNK_BYTES", 64)


# Lines: 1 declaration, 2 <paxml>, 3 header, 4 <tidtransaktioner>, 5-7 records, 8 end,
# 9 <personal>, 10-11 persons, 12 </personal>, 13 <tidtransaktioner>, 14-17 records.
MIXED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<paxml>\n'
    "<header><format>LÖNIN</format><version>2.0</version></header>\n<tidtransaktioner>\n"
    + tidtrans("E1", "ARB", hours="8", case="51470", centre="81515", **DAY)
    + "\n"
    + tidtrans("E2", "arb", hours="9", case="51357", centre="81516", **DAY)
    + "\n"
    + tidtrans("E2", "OB1", extra="<datum>2025-01-10</datum>")
    + "\n</tidtransaktioner>\n"
    + PERSONAL
    + "<tidtransaktioner>\n"
    + tidtrans(
        "E1", "SJK", extra="<datumfrom>2025-02-03</datumfrom><datumtom>2025-02-05</datumtom>"
    )
    + "\n"
    + tidtrans("E1", "LUNCH", hours="1", case="51470", centre="81515", **DAY)
    + "\n"
    + tidtrans("E1", "ARB", hours="8", **DAY)
    + "\n"
    + tidtrans("E2", "ÖT2", hours="9.50", case="51470", centre="81515", **DAY)
    + "\n</tidtransaktioner>\n</paxml>\n"
).encode("utf-8")


@pytest.mark.parametrize("chunks", ["one", "many"])
def test_an_export_of_several_forms_reads_as_the_general_reader_reads_it(
    chunks, monkeypatch, request
):
    if chunks == "many":
        request.getfixturevalue("small_chunks")
    read = both(MIXED, PaxmlOptions(employment_defaults={"full_time_hours_per_week": "38.25"}))
    assert [str(p) for p in read.problems] == [
        'tid.xml, rad 15, <tidkod>: tidkoden "LUNCH" är okänd; förväntat en kod i '
        "standardtabellen (t.ex. ARB, MER, ÖT1, SJK, SEM) eller en kod som en mappningsprofil "
        "anger.",
        f"tid.xml, rad 16, <resenheter>: {NO_CASE}",
        'tid.xml, rad 17, <timmar>: timmar "9.50" är fler än tiden mellan starttid och sluttid '
        "(9 timmar); förväntat högst 9.",
    ]
    assert read.skipped == {"OB1": 1}
    worked, where = read.frames["worked"]
    assert worked.rows() == [
        ("51470", "E1", "2025-01-10 07:00", "2025-01-10 16:00", "60", "ordinary"),
        ("51357", "E2", "2025-01-10 07:00", "2025-01-10 16:00", "0", "ordinary"),
        ("51470", "E2", "2025-01-10 07:00", "2025-01-10 16:00", "0", "overtime_qualified"),
    ]
    assert where.lines == [5, 6, 17]
    assert where.cost_centers == ["81515", "81516", "81515"]
    absences, where = read.frames["absences"]
    assert absences.rows() == [("E1", "2025-02-03", "2025-02-05", "sick", None, None)]
    assert where.lines == [14]
    assert read.frames["employees"][0].rows() == [
        ("E3", "Cecilia Ek", "81515"),
        ("E4", "Dan Dahl", "81516"),
    ]
    assert read.frames["employees"][1].lines == [10, 11]
    assert read.frames["employments"][0].get_column("form").to_list() == [
        "monthly_permanent",
        "hourly",
    ]


def test_a_problem_in_a_later_chunk_names_its_line(small_chunks):
    rows = [tidtrans("E1", "ARB", hours="8", case="51470", **DAY) for _ in range(40)]
    rows[36] = tidtrans("E1", "ARB", hours="8", **DAY)  # line 5 + 36
    read = both(paxml(*rows))
    assert [str(p) for p in read.problems] == [f"tid.xml, rad 41, <resenheter>: {NO_CASE}"]
    assert read.frames["worked"][1].lines == [*range(5, 41), *range(42, 45)]


# Lines 4-13 the first record, its start tag ending on line 5; the second on 14-23 (15), the
# third on 24-33 (25).
PRETTY = "\r\n".join(
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        "<paxml>",
        "  <tidtransaktioner>",
        *(
            line
            for anstid, code, hours in (
                ("E1", "ARB", "8"),
                ("E2", "LUNCH", "8"),
                ("E1", "ÖT2", "9.5"),
            )
            for line in (
                "    <tidtrans",
                f'      anstid="{anstid}">',
                f"      <tidkod>{code}</tidkod>",
                f"      <timmar> {hours} </timmar>",
                "      <starttid>2025-01-10T07:00:00</starttid>",
                "      <sluttid>2025-01-10T16:00:00</sluttid>",
                "      <resenheter>",
                '        <resenhet dim="6" id="51470"/>',
                "      </resenheter>",
                "    </tidtrans>",
            )
        ),
        "  </tidtransaktioner>",
        "</paxml>",
        "",
    ]
).encode("iso-8859-1")


def test_indented_records_with_crlf_line_ends_name_the_line_their_start_tag_ends_on(
    small_chunks,
):
    read = both(PRETTY)
    assert [str(p) for p in read.problems] == [
        'tid.xml, rad 15, <tidkod>: tidkoden "LUNCH" är okänd; förväntat en kod i '
        "standardtabellen (t.ex. ARB, MER, ÖT1, SJK, SEM) eller en kod som en mappningsprofil "
        "anger.",
        'tid.xml, rad 25, <timmar>: timmar "9.5" är fler än tiden mellan starttid och sluttid '
        "(9 timmar); förväntat högst 9.",
    ]
    assert read.frames["worked"][0].get_column("break_minutes").to_list() == ["60", "0"]
    assert read.frames["worked"][1].lines == [5, 25]


def test_a_record_of_no_form_is_read_alone_in_its_place():
    rows = [tidtrans("E1", "ARB", hours="8", case="51470", **DAY) for _ in range(3)]
    rows[1] = rows[1].replace('anstid="E1"', 'anstid="E&#50;"')  # E2, as an entity
    read = both(paxml(*rows))
    worked, where = read.frames["worked"]
    assert worked.get_column("employee_id").to_list() == ["E1", "E2", "E1"]
    assert where.lines == [5, 6, 7]


def test_values_are_what_lxml_gives_in_every_spelling():
    document = paxml(
        '<tidtrans anstid=" E1 "><tidkod>ARB</tidkod><tidkod>  </tidkod><timmar> 8 </timmar>'
        "<starttid>2025-01-10T07:00:00</starttid><sluttid>2025-01-10T16:00:00</sluttid>"
        "<kommentar>Byte &amp; extra</kommentar><extra>före<del>x</del>efter</extra>"
        "<resenheter><resenhet id='51470' dim='6'/><resenhet dim=\"6\" id=\"\"/>"
        '<resenhet dim="1" id=" 81515 "/></resenheter></tidtrans>',
        "<tidtrans><anstid>E2</anstid><p:tidkod>ARB</p:tidkod><timmar>8</timmar>"
        "<starttid>2025-01-10T07:00:00</starttid><sluttid>2025-01-10T16:00:00</sluttid>"
        '<resenheter><resenhet dim="6" id="51357"/></resenheter></tidtrans>',
    ).replace(b"<paxml>", b'<paxml xmlns:p="urn:paxml-ext">')
    read = both(document)
    assert read.problems == []
    assert read.frames["worked"][0].rows() == [
        ("51470", "E1", "2025-01-10 07:00", "2025-01-10 16:00", "60", "ordinary"),
        ("51357", "E2", "2025-01-10 07:00", "2025-01-10 16:00", "60", "ordinary"),
    ]
    assert read.frames["worked"][1].cost_centers == ["81515", None]


def test_a_form_leaves_its_values_open_and_nothing_else():
    form = learn(
        '<tidtrans anstid="E1"><tidkod>ARB</tidkod><datum>2025-01-10</datum>'
        '<resenheter><resenhet dim="6" id="51470"/></resenheter></tidtrans>'
    )
    assert form is not None
    assert form.roles == (
        ("attr", "anstid"),
        ("text", "tidkod"),
        ("text", "datum"),
        ("dim", "0"),
        ("id", "0"),
    )
    assert learn("<tidtrans/>") is None
    assert learn('<tidtrans anstid="E&#49;"><tidkod>ARB</tidkod></tidtrans>') is None
    assert learn("<tidtrans><!-- x --><tidkod>ARB</tidkod></tidtrans>") is None


NOT_PLAIN = {
    "comment": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY)).replace(
        b"<tidtransaktioner>", b"<tidtransaktioner><!-- <tidtrans anstid='X'/> -->"
    ),
    "instruction": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY)).replace(
        b"</tidtransaktioner>", b"<?export klar?></tidtransaktioner>"
    ),
    "cdata": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY)).replace(
        b"<tidkod>ARB</tidkod>", b"<tidkod><![CDATA[ARB]]></tidkod>"
    ),
    "namespace below the root": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY))
    .replace(b"<paxml>", b'<paxml xmlns="urn:a">')
    .replace(b"<tidtransaktioner>", b'<tidtransaktioner xmlns="urn:b">'),
    "prefixed record": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY))
    .replace(b"<paxml>", b'<paxml xmlns:p="urn:a">')
    .replace(b"<tidtrans ", b"<p:tidtrans ")
    .replace(b"</tidtrans>", b"</p:tidtrans>"),
    "utf-16": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY))
    .decode("utf-8")
    .replace("UTF-8", "UTF-16")
    .encode("utf-16"),
    "lone cr": paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY)).replace(b"\n", b"\r"),
    "record in a record": paxml(
        tidtrans("E1", "ARB", hours="8", case="51470", **DAY).replace(
            "<tidkod>", '<x><tidtrans anstid="E2"><tidkod>MER</tidkod></tidtrans></x><tidkod>'
        )
    ),
    "not well-formed": paxml(
        *(tidtrans("E1", "ARB", hours="8", case="51470", **DAY) for _ in range(20))
    ).replace(b"</tidtransaktioner>", b"</tidtransaktion>"),
    "doctype": BILLION_LAUGHS,
}


@pytest.mark.parametrize("document", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_files_not_in_the_plain_form_are_left_to_the_general_reader(small_chunks, document):
    with pytest.raises(NotPlain):
        read_plain("tid.xml", document, PaxmlOptions())
    if document is not BILLION_LAUGHS:
        general = read_general("tid.xml", document, PaxmlOptions())
        assert summary(read_paxml("tid.xml", document)) == summary(general)


def test_a_comment_naming_a_record_is_not_read_as_one():
    read = read_paxml("tid.xml", NOT_PLAIN["comment"])
    assert read.problems == []
    assert read.frames["worked"][1].lines == [5]


def test_a_namespace_declared_below_the_root_hides_its_records_as_before():
    assert summary(read_paxml("tid.xml", NOT_PLAIN["namespace below the root"])) == ([], {}, {})


def test_too_many_records_of_no_form_leave_the_file_to_the_general_reader(monkeypatch):
    monkeypatch.setattr(paxml_scan, "MAX_ONE_BY_ONE", 2)
    rows = [tidtrans(f"E&#{49 + i};", "ARB", hours="8", case="51470", **DAY) for i in range(3)]
    with pytest.raises(NotPlain):
        read_plain("tid.xml", paxml(*rows), PaxmlOptions())
    read = read_paxml("tid.xml", paxml(*rows))
    assert read.frames["worked"][0].get_column("employee_id").to_list() == ["E1", "E2", "E3"]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("UTF-8", b"\xef\xbb\xbf"), ("windows-1252", b""), ("ISO-8859-15", b"")],
)
def test_each_encoding_it_takes_reads_as_the_parser_decodes_it(encoding, bom):
    text = paxml(
        tidtrans("E1", "ÖT1", hours="8", case="51470", **DAY),
        tidtrans("Ö2", "SEM_SPA", extra="<datum>2025-01-13</datum>"),
    ).decode("utf-8")
    document = bom + text.replace("UTF-8", encoding).encode(encoding)
    read = both(document)
    assert read.frames["worked"][0].get_column("time_type").to_list() == ["overtime_simple"]
    assert read.frames["absences"][0].get_column("employee_id").to_list() == ["Ö2"]
