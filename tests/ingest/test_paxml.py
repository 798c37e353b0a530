"""PAXml 2.x: what each element becomes, and every kind of bad input with its exact message
naming the file, the line and the element."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.builders import write_set
from tests.ingest.exchange_samples import PAXML_ROWS, paxml, tidtrans
from timbalans.ingest.exchange_options import PaxmlOptions, TimeCode
from timbalans.ingest.paxml import read_paxml
from timbalans.ingest.read import read_dataset
from timbalans.ingest.validate import validate

TZ = ZoneInfo("Europe/Stockholm")
DAY = {"start": "2025-01-10T07:00:00", "end": "2025-01-10T16:00:00"}


def with_paxml(tmp_path, document: bytes, name: str = "tid.xml", **tables: str | None):
    """BASE's reference tables and one PAXml file (no canonical worked or ledger)."""
    directory = write_set(tmp_path / "s", worked=None, ledger=None, **tables)
    (directory / name).write_bytes(document)
    return validate(read_dataset(directory))


def problems_of(tmp_path, *rows: str) -> list[str]:
    return [str(p) for p in with_paxml(tmp_path, paxml(*rows)).problems]


def test_time_and_absence_become_worked_and_absences_rows(tmp_path):
    ds = with_paxml(tmp_path, paxml(*PAXML_ROWS))
    assert ds.problems == []
    worked = ds.frames["worked"].drop("_row")
    assert worked.rows() == [
        (
            "51470",
            "E1",
            datetime(2025, 1, 10, 7, tzinfo=TZ),
            datetime(2025, 1, 10, 16, tzinfo=TZ),
            60,
            "ordinary",
        ),
        (
            "51357",
            "E2",
            datetime(2025, 3, 29, 22, tzinfo=TZ),
            datetime(2025, 3, 30, 7, tzinfo=TZ),
            0,
            "ordinary",
        ),
        (
            "51470",
            "E1",
            datetime(2025, 2, 10, 7, tzinfo=TZ),
            datetime(2025, 2, 10, 16, tzinfo=TZ),
            30,
            "overtime_qualified",
        ),
    ]
    absences = ds.frames["absences"].drop("_row")
    assert absences.select(
        "employee_id", "start", "end", "type", "extent_percent", "hours"
    ).rows() == [
        (
            "E1",
            datetime(2025, 2, 3, tzinfo=TZ),
            datetime(2025, 2, 6, tzinfo=TZ),
            "sick",
            100.0,
            None,
        )
    ]


def test_an_iso_8859_1_file_is_read_with_its_swedish_codes(tmp_path):
    document = paxml(
        tidtrans("E1", "ök1", hours="9", case="51470", **DAY),
        tidtrans(
            "E1",
            "SEM_SPA",
            extra="<datum>2025-01-13</datum><omfattning>50</omfattning><timmar>4</timmar>",
        ),
        encoding="ISO-8859-1",
    )
    assert b"\xd6" in document  # LÖNIN in ISO-8859-1
    ds = with_paxml(tmp_path, document)
    assert ds.problems == []
    assert ds.frames["worked"].get_column("time_type").to_list() == ["overtime_simple"]
    assert ds.frames["absences"].select("type", "extent_percent", "hours").rows() == [
        ("vacation", 50.0, 4.0)
    ]


def test_a_file_is_recognised_by_its_content_whatever_its_name(tmp_path):
    ds = with_paxml(tmp_path, paxml(*PAXML_ROWS), name="export_2025-01.dat")
    assert ds.problems == []
    assert ds.files["worked"].name == "export_2025-01.dat"


def test_an_xml_file_that_is_not_paxml_is_left_aside_with_a_note(tmp_path):
    ds = with_paxml(tmp_path, b'<?xml version="1.0"?>\n<rapport/>\n', name="rapport.xml")
    assert (
        "rapport.xml: inget tabellnamn som Timbalans känner igen; filen hoppades över." in ds.notes
    )
    assert "worked" not in ds.files


def test_a_namespaced_document_reads_the_same():
    document = paxml(tidtrans("E1", "ARB", hours="8", case="51470", **DAY)).replace(
        b"<paxml>", b'<paxml xmlns="http://www.paxml.se/2.0/paxml.xsd">'
    )
    read = read_paxml("tid.xml", document)
    assert read.problems == []
    assert read.frames["worked"][0].rows() == [
        ("51470", "E1", "2025-01-10 07:00", "2025-01-10 16:00", "60", "ordinary")
    ]


def test_a_profile_adds_codes_and_moves_the_case_dimension():
    options = PaxmlOptions(
        time_codes={"x1": TimeCode("worked", "additional"), "SJK": TimeCode("skip")},
        case_dim="7",
    )
    document = paxml(
        tidtrans(
            "E1",
            "X1",
            hours="8",
            **DAY,
            extra='<resenheter><resenhet dim="7" id="51470"/></resenheter>',
        ),
        tidtrans("E1", "SJK", extra="<datum>2025-01-13</datum>"),
    )
    read = read_paxml("tid.xml", document, options)
    assert read.problems == []
    assert read.frames["worked"][0].select("case_id", "time_type").rows() == [
        ("51470", "additional")
    ]
    assert "absences" not in read.frames
    assert read.skipped == {"SJK": 1}


def test_a_code_is_read_whatever_its_case_each_time_it_comes():
    document = paxml(
        *(tidtrans("E1", code, hours="9", case="51470", **DAY) for code in ("arb", "Arb", "arb")),
        tidtrans("E1", "mer", hours="9", case="51470", **DAY),
        tidtrans("E1", "ob1", extra="<datum>2025-01-10</datum>"),
        tidtrans("E1", "Ob1", extra="<datum>2025-01-10</datum>"),
    )
    read = read_paxml("tid.xml", document)
    assert read.problems == []
    assert read.frames["worked"][0].get_column("time_type").to_list() == [
        "ordinary",
        "ordinary",
        "ordinary",
        "additional",
    ]
    assert read.skipped == {"OB1": 2}


PERSONAL = (
    "<personal>\n"
    '<person anstid="E3"><fornamn>Cecilia</fornamn><efternamn>Ek</efternamn>'
    "<anstdatum>2025-01-01</anstdatum><lonform>MÅN</lonform><anstform>TV</anstform>"
    "<sysgrad>75</sysgrad><manlon>30000</manlon>"
    '<resenheter><resenhet dim="1" id="81515"/></resenheter></person>\n'
    '<person anstid="E4"><fornamn>Dan</fornamn><efternamn>Dahl</efternamn>'
    "<anstdatum>2025-02-01</anstdatum><avgdatum>2025-06-30</avgdatum><lonform>TIM</lonform>"
    '<timlon>185.50</timlon><resenheter><resenhet dim="1" id="81516"/></resenheter></person>\n'
    "</personal>\n"
)


def test_personal_becomes_employees_and_employments_with_the_profiles_defaults(tmp_path):
    options = PaxmlOptions(employment_defaults={"full_time_hours_per_week": "38.25"})
    read = read_paxml("lon.xml", paxml(personal=PERSONAL), options)
    assert read.problems == []
    employees, where = read.frames["employees"]
    assert employees.rows() == [("E3", "Cecilia Ek", "81515"), ("E4", "Dan Dahl", "81516")]
    assert where.lines == [7, 8]  # line 6 is <personal>
    employments = read.frames["employments"][0]
    assert employments.rows() == [
        ("E3", "monthly_permanent", "75", "38.25", "30000", None, "2025-01-01", None, None),
        ("E4", "hourly", None, "38.25", None, "185.50", "2025-02-01", "2025-06-30", None),
    ]
    ds = with_paxml(tmp_path, paxml(personal=PERSONAL), employees=None, employments=None)
    assert ds.problems == []
    assert ds.frames["employments"].get_column("full_time_hours_per_week").to_list() == [40.0, 40.0]


def test_an_unknown_employment_form_is_named_at_its_line():
    personal = PERSONAL.replace("<anstform>TV</anstform>", "<anstform>PRAO</anstform>")
    read = read_paxml("lon.xml", paxml(personal=personal))
    assert [str(p) for p in read.problems] == [
        'lon.xml, rad 7, <anstform>: anställningsformen "PRAO" är okänd; förväntat tillsvidare '
        "(TV) eller visstid (VT)."
    ]


# ---------------------------------------------------------------- bad input


def test_an_unknown_tidkod_is_an_error_naming_the_code(tmp_path):
    assert problems_of(
        tmp_path,
        tidtrans("E1", "ARB", hours="8", case="51470", **DAY),
        tidtrans("E1", "LUNCH", hours="1", case="51470", **DAY),
    ) == [
        'tid.xml, rad 6, <tidkod>: tidkoden "LUNCH" är okänd; förväntat en kod i standardtabellen '
        "(t.ex. ARB, MER, ÖT1, SJK, SEM) eller en kod som en mappningsprofil anger."
    ]


def test_a_worked_row_without_a_case_is_an_error(tmp_path):
    assert problems_of(tmp_path, tidtrans("E1", "ARB", hours="8", centre="81515", **DAY)) == [
        'tid.xml, rad 5, <resenheter>: tidtransaktionen saknar ärende; förväntat <resenhet dim="6" '
        'id="…"> under <resenheter> för arbetad tid.'
    ]


def test_a_worked_row_without_clock_times_is_an_error(tmp_path):
    assert problems_of(
        tmp_path, tidtrans("E1", "ARB", hours="8", case="51470", extra="<datum>2025-01-10</datum>")
    ) == [
        "tid.xml, rad 5, <starttid>: arbetad tid utan starttid och sluttid går inte att placera; "
        "förväntat <starttid> och <sluttid> (eller en mappningsprofil som anger hur raden ska "
        "placeras)."
    ]


def test_timmar_longer_than_the_clock_times_is_an_error(tmp_path):
    night = {"start": "2025-03-29T22:00:00", "end": "2025-03-30T07:00:00"}
    assert problems_of(
        tmp_path,
        tidtrans("E1", "ARB", hours="9.50", case="51470", **DAY),
        # 9 clock hours but 8 real ones: the night the clocks go forward
        tidtrans("E2", "ARB", hours="9.00", case="51357", **night),
        # the same night with 8 hours is accepted (E1: one employee is never on it twice)
        tidtrans("E1", "ARB", hours="8.00", case="51357", **night),
    ) == [
        'tid.xml, rad 5, <timmar>: timmar "9.50" är fler än tiden mellan starttid och sluttid '
        "(9 timmar); förväntat högst 9.",
        'tid.xml, rad 6, <timmar>: timmar "9.00" är fler än tiden mellan starttid och sluttid '
        "(8 timmar); förväntat högst 8.",
    ]


def test_timmar_rounded_to_two_decimals_is_the_same_time():
    # 07:00-15:01 is 481 minutes = 8.0167 h, written 8.02 (481.2 minutes): no break, no error
    read = read_paxml(
        "tid.xml",
        paxml(
            tidtrans(
                "E1",
                "ARB",
                hours="8.02",
                case="51470",
                start="2025-01-10T07:00:00",
                end="2025-01-10T15:01:00",
            )
        ),
    )
    assert read.problems == []
    assert read.frames["worked"][0].get_column("break_minutes").to_list() == ["0"]


def test_a_date_that_does_not_exist_is_named_at_its_line_and_element(tmp_path):
    assert problems_of(
        tmp_path,
        tidtrans(
            "E1",
            "ARB",
            hours="8",
            case="51470",
            start="2025-02-30T07:00:00",
            end="2025-02-30T16:00:00",
        ),
        tidtrans(
            "E1", "SJK", extra="<datumfrom>2025-02-27</datumfrom><datumtom>2025-02-30</datumtom>"
        ),
    ) == [
        'tid.xml, rad 5, <sluttid>: värdet "2025-02-30 16:00" är inte en tidpunkt; förväntat '
        "ÅÅÅÅ-MM-DD TT:MM eller bara TT:MM, t.ex. 2025-03-31 16:00 eller 16:00.",
        'tid.xml, rad 5, <starttid>: värdet "2025-02-30 07:00" är inte en tidpunkt; förväntat '
        "ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-31 07:00.",
        'tid.xml, rad 6, <datumtom>: värdet "2025-02-30" är varken ett datum eller en tidpunkt; '
        "förväntat ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM.",
    ]


def test_problems_found_by_validation_point_at_the_paxml_line(tmp_path):
    assert problems_of(
        tmp_path,
        tidtrans("E1", "ARB", hours="8", case="51470", centre="81515", **DAY),
        tidtrans("E9", "ARB", hours="8", case="51470", **DAY),
        tidtrans("E2", "ARB", hours="8", case="51470", centre="81516", **DAY),
    ) == [
        'tid.xml, rad 6, <tidtrans anstid>: medarbetaren "E9" finns varken i employees.csv eller '
        "bland redan importerade data; förväntat en medarbetare i employees.",
        'tid.xml, rad 7, <resenhet dim="1">: ansvaret "81516" hör inte till ärendets enhet; '
        'förväntat ärendets ansvar "81515".',
    ]


def test_a_truncated_file_is_an_error_naming_where_it_ends(tmp_path):
    document = paxml(*PAXML_ROWS)
    cut = document[: document.index(b'<tidtrans anstid="E2"') + 30]  # inside line 6
    assert [str(p) for p in with_paxml(tmp_path, cut).problems] == [
        "tid.xml, rad 6: filen tar slut innan PAXml-dokumentet är avslutat; förväntat en "
        "komplett fil som slutar med </paxml>."
    ]


def test_broken_xml_inside_the_file_is_an_error_naming_its_line():
    document = paxml(*PAXML_ROWS).replace(b"<timmar>8.50</timmar>", b"<timmar>8.50</tim>")
    read = read_paxml("tid.xml", document)
    assert [(p.row, p.message.split(" (")[0]) for p in read.problems] == [
        (8, "filen är inte giltig XML")
    ]
    assert read.frames == {}


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n'
    b'<!DOCTYPE paxml [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<paxml a="&lol9;"><tidtransaktioner><tidtrans anstid="&lol9;"/>'
    + b"</tidtransaktioner></paxml>\n"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE paxml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<paxml><tidtransaktioner><tidtrans anstid="&x;"><tidkod>ARB</tidkod></tidtrans>'
    b"</tidtransaktioner></paxml>\n"
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_a_document_with_a_doctype_is_refused_before_any_entity_is_read(tmp_path, document):
    ds = with_paxml(tmp_path, document)
    assert [str(p) for p in ds.problems] == [
        "tid.xml, rad 2: filen har en dokumenttypdeklaration (<!DOCTYPE>), som kan läsa in andra "
        "filer eller blåsa upp texten; förväntat en PAXml-fil utan <!DOCTYPE>."
    ]
    assert "worked" not in ds.files


def test_a_message_that_cites_another_row_cites_its_line(tmp_path):
    twice = PERSONAL.replace('anstid="E4"', 'anstid="E3"')
    ds = with_paxml(tmp_path, paxml(personal=twice), employees=None, employments=None)
    # (E3's monthly and E4's hourly employment may now overlap: a part-timer with an extra
    # hourly contract, data.md)
    assert [str(p) for p in ds.problems] == [
        "tid.xml, rad 8, <person anstid>: raden har samma anställningsnummer som rad 7; "
        "förväntat en rad per anställningsnummer.",
    ]


def test_records_written_on_one_line_are_still_named_by_their_line_and_element(tmp_path):
    one_line = paxml(*PAXML_ROWS).replace(b"\n<tidtrans", b"<tidtrans")  # all on line 3
    ds = with_paxml(tmp_path, one_line.replace(b'anstid="E2"', b'anstid="E9"'))
    assert [str(p) for p in ds.problems] == [
        'tid.xml, rad 3, <tidtrans anstid>: medarbetaren "E9" finns varken i employees.csv eller '
        "bland redan importerade data; förväntat en medarbetare i employees."
    ]


def test_a_personal_identity_number_is_never_taken_for_an_employee():
    row = tidtrans("E1", "ARB", hours="8", case="51470", **DAY).replace(
        'anstid="E1"', 'persnr="19800101-1234"'
    )
    read = read_paxml("tid.xml", paxml(row))
    assert [str(p) for p in read.problems] == [
        "tid.xml, rad 5, <tidtrans anstid>: anställningsnummer saknas; förväntat attributet anstid."
    ]
    assert read.frames == {}


def test_an_absence_with_clock_times_is_a_part_of_a_day():
    row = tidtrans("E1", "VAB", start="2025-03-03T07:00:00", end="2025-03-03T12:00:00", hours="2.5")
    read = read_paxml(
        "tid.xml", paxml(row.replace("</tidtrans>", "<omfattning>50</omfattning></tidtrans>"))
    )
    assert read.problems == []
    assert read.frames["absences"][0].rows() == [
        ("E1", "2025-03-03 07:00", "2025-03-03 12:00", "child_care", "50", "2.5")
    ]
