"""Mapping profiles: a department's own CSV/XLSX exports read as canonical tables, and every
problem of a profile named by its file and line."""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.builders import BASE, write_set
from timbalans.ingest import messages as msg
from timbalans.ingest.exchange_options import PaxmlOptions, SieOptions, TimeCode
from timbalans.ingest.problems import Problem
from timbalans.ingest.profiles import (
    profile_options_for,
    profile_parse,
    profiles_collect,
)
from timbalans.ingest.read import read_dataset, read_entries
from timbalans.ingest.validate import validate

TZ = ZoneInfo("Europe/Stockholm")


def example(name: str) -> str:
    return (resources.files("timbalans.ingest.profile_examples") / name).read_text("utf-8")


def parsed(text: str, source: str = "p.profile.toml"):
    profile, problems = profile_parse(text, source=source)
    assert problems == [], problems
    return profile


def at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=TZ)


TIMECARE = (
    "Pass-ID;Ärende;Anställningsnr;Namn;Datum;Start;Slut;Rast;Passtyp\n"
    "P1;51470;E1;Anna Andersson;2025-02-20;07:00;16:00;1:00;Pass\n"
    "P2;51357;;;2025-02-21;22:00;07:00;0:00;Jour\n"
    "P3;51470;E1;Anna Andersson;2025-02-22;07:00;16:00;0:30;Ledig\n"
    "P4;51470;E1;Anna Andersson;2025-03-29;22:00;07:00;0:15;Beredskap\n"
)


# ---------------------------------------------------------------- the example profiles


@pytest.mark.parametrize(
    "name",
    [
        "timecare-schema.profile.toml",
        "beslut-excel.profile.toml",
        "heroma-anstallningar.profile.toml",
    ],
)
def test_every_example_profile_is_valid(name):
    profile = parsed(example(name), name)
    assert profile.table in ("shifts", "decisions", "employments")
    assert profile.patterns


def test_it_reads_a_schedule_export_with_night_shifts_ending_the_next_day(tmp_path):
    folder = write_set(tmp_path / "set", shifts=None)
    (folder / "TimeCare_v8.csv").write_text(TIMECARE, encoding="utf-8")
    (folder / "timecare.profile.toml").write_text(example("timecare-schema.profile.toml"))
    dataset = validate(read_dataset(folder))
    assert dataset.problems == []
    shifts = dataset.frames["shifts"]
    assert shifts.select("_row", "shift_id", "employee_id", "break_minutes", "kind").rows() == [
        (2, "P1", "E1", 60, "assistance"),
        (3, "P2", None, 0, "on_call"),
        (5, "P4", "E1", 15, "standby"),
    ]
    assert shifts.get_column("start").to_list() == [
        at("2025-02-20", "07:00"),
        at("2025-02-21", "22:00"),
        at("2025-03-29", "22:00"),
    ]
    # Both night shifts end the next morning; the one into summer time lasts 8 hours, not 9.
    assert shifts.get_column("end").to_list() == [
        at("2025-02-20", "16:00"),
        at("2025-02-22", "07:00"),
        at("2025-03-30", "07:00"),
    ]
    hours = (shifts.get_column("end") - shifts.get_column("start")).dt.total_minutes() / 60
    assert hours.to_list() == [9.0, 9.0, 8.0]
    assert dataset.files["shifts"].name == "TimeCare_v8.csv"
    assert dataset.files["shifts"].profile.name == "Schema från TimeCare/Medvind"
    assert (
        msg.PROFILE_SKIPPED.format(
            file="TimeCare_v8.csv",
            rows=1,
            value="Ledig",
            column="Passtyp",
            profile="Schema från TimeCare/Medvind",
        )
        in dataset.notes
    )
    assert msg.UNKNOWN_COLUMNS.format(file="TimeCare_v8.csv", columns="Namn") in dataset.notes
    assert (
        'TimeCare_v8.csv: lästes med profilen "Schema från TimeCare/Medvind" som tabellen '
        "shifts (3 rader)." in dataset.notes
    )


def test_a_later_problem_names_the_source_file_and_row_after_skipped_rows(tmp_path):
    text = TIMECARE + "P5;51470;E9;;2025-03-30;07:00;16:00;0:00;Pass\n"
    profile = parsed(example("timecare-schema.profile.toml"))
    base = [(f"{t}.csv", v.encode()) for t, v in BASE.items()]
    raw = read_entries([*base, ("TimeCare_v9.csv", text.encode())], [profile])
    dataset = validate(raw)
    assert [str(p) for p in dataset.problems if p.file == "TimeCare_v9.csv"] == [
        'TimeCare_v9.csv, rad 6, kolumn "employee_id": medarbetaren "E9" finns varken i '
        "employees.csv eller bland redan importerade data; förväntat en medarbetare i employees."
    ]


def _decisions_xlsx() -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    book.add_worksheet("Instruktion").write(0, 0, "Fyll i arket Beslut")
    sheet = book.add_worksheet("Beslut")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(
        0,
        0,
        [
            "Ärendenr",
            "Beslutande",
            "Beviljade tim/v",
            "Varav dubbelbemanning tim/v",
            "Gäller från",
            "Gäller till",
            "Avräkning från",
            "Avräkningsperiod mån",
        ],
    )
    # an Excel date cell, a date typed as text in the profile's format, decimal commas
    sheet.write_row(1, 0, ["51470", "Försäkringskassan", "100,5", "10"])
    sheet.write_datetime(1, 4, dt.datetime(2025, 1, 1), day)
    sheet.write_string(1, 5, "31.12.2025")
    sheet.write_datetime(1, 6, dt.datetime(2025, 1, 1), day)
    sheet.write_row(2, 0, ["51357", "Kommunen", "1.060,25", ""])
    sheet.write_row(2, 4, ["01.01.2025", "31.12.2025", "01.03.2025", "3"])
    book.close()
    return out.getvalue()


def test_it_imports_a_decisions_spreadsheet_from_its_named_sheet():
    profile = parsed(example("beslut-excel.profile.toml"))
    base = [(f"{t}.csv", text.encode()) for t, text in BASE.items() if t != "decisions"]
    raw = read_entries([*base, ("beslut 2025.xlsx", _decisions_xlsx())])
    assert raw.problems == []  # the profile is not in the set: the file is not a table
    raw = read_entries([*base, ("beslut 2025.xlsx", _decisions_xlsx())], [profile])
    dataset = validate(raw)
    assert [str(p) for p in dataset.problems] == [
        'beslut 2025.xlsx, rad 3, kolumn "hours_per_week": värdet "1060,25" ligger utanför '
        "det tillåtna; förväntat från 0 till 168."
    ]
    frame = raw.files["decisions"].frame
    assert frame.rows() == [
        (2, "51470", "FK", "100,5", "10", "2025-01-01", "2025-12-31", "2025-01-01", "6"),
        (3, "51357", "KOMMUN", "1060,25", None, "2025-01-01", "2025-12-31", "2025-03-01", "3"),
    ]


def test_it_reads_a_payroll_employment_list_in_windows_1252():
    profile = parsed(example("heroma-anstallningar.profile.toml"))
    text = (
        "Anst.nr;Namn;Anst.form;Syss.grad;Månadslön;Timlön;Fr.o.m;T.o.m\n"
        "E1;Anna Andersson;TV;75;31.250,00;;20240101;\n"
        "E2;Bo Berg;TIM;;;185,50;20240101;20251231\n"
    )
    base = [(f"{t}.csv", v.encode()) for t, v in BASE.items() if t != "employments"]
    dataset = validate(read_entries([*base, ("heroma_2025.csv", text.encode("cp1252"))], [profile]))
    assert dataset.problems == []
    rows = dataset.frames["employments"].drop("_row").rows(named=True)
    assert rows == [
        {
            "employee_id": "E1",
            "form": "monthly_permanent",
            "employment_rate": 75.0,
            "full_time_hours_per_week": 40.0,
            "monthly_salary": 31250.0,
            "hourly_wage": None,
            "valid_from": dt.date(2024, 1, 1),
            "valid_to": None,
            "status": "ordinary",
        },
        {
            "employee_id": "E2",
            "form": "hourly",
            "employment_rate": None,
            "full_time_hours_per_week": 40.0,
            "monthly_salary": None,
            "hourly_wage": 185.5,
            "valid_from": dt.date(2024, 1, 1),
            "valid_to": dt.date(2025, 12, 31),
            "status": "ordinary",
        },
    ]


def test_a_folder_with_a_profile_gives_the_same_frames_as_the_canonical_folder(tmp_path):
    canonical = validate(read_dataset(write_set(tmp_path / "canonical")))
    folder = write_set(tmp_path / "mapped", worked=None)
    (folder / "utfall-export.csv").write_text(
        "Ärende;Anst;Dag;Från;Till;Rast min;Tidkod\n"
        "51470;E1;10.01.2025;7.00;16.00;60;ARB\n"
        "51470;E1;10.02.2025;7.00;16.00;60;ARB\n"
        "51357;E2;11.01.2025;22.00;7.00;;ARB\n"
        "51357;E2;12.01.2025;22.00;7.00;;OB2\n",
        encoding="utf-8",
    )
    (folder / "utfall.profile.toml").write_text(
        'name = "Utfall"\nfiles = "utfall-*.csv"\ntable = "worked"\n'
        '[formats]\ndate = "DD.MM.ÅÅÅÅ"\ntime = "TT.MM"\n'
        "[columns]\n"
        'arende = "Ärende"\nemployee_id = "Anst"\n'
        'start = { date = "Dag", time = "Från" }\nend = { date = "Dag", time = "Till" }\n'
        'break_minutes = "Rast min"\ntime_type = "Tidkod"\n'
        '[values.time_type]\nARB = "ordinary"\nOB2 = false\n',
        encoding="utf-8",
    )
    mapped = validate(read_dataset(folder))
    assert mapped.problems == []
    for table, frame in canonical.frames.items():
        assert mapped.frames[table].drop("_row").equals(frame.drop("_row")), table


# ---------------------------------------------------------------- problems of a profile


SHIFTS_PROFILE = """name = "Schema"
files = ["schema*.csv"]
table = "shifts"

[formats]
date = "DD.MM.ÅÅÅÅ"

[columns]
case_id = "Ärende"
employee_id = "Anst"
start = { date = "Datum", time = "Start" }
end = { date = "Datum", time = "Slut" }
kind = "Typ"

[values.kind]
Pass = "assistance"
"Jour" = "on_call"
"""


def problems_of(text: str) -> list[str]:
    profile, problems = profile_parse(text, source="schema.profile.toml")
    assert profile is None
    return [str(p) for p in problems]


def test_a_valid_profile_has_no_problems():
    profile = parsed(SHIFTS_PROFILE)
    assert profile.line("values", "kind", "Jour") == 17
    assert profile.line("columns", "start", "date") == 11


def test_an_unknown_canonical_column_names_the_profile_line():
    text = SHIFTS_PROFILE.replace('kind = "Typ"', 'kind = "Typ"\nrum = "Rum"')
    assert problems_of(text) == [
        'schema.profile.toml, rad 14: kolumnen "rum" finns inte i tabellen shifts; förväntat '
        "en av: shift_id, case_id, employee_id, start, end, break_minutes, kind."
    ]


def test_a_bad_format_string_names_the_profile_line():
    text = SHIFTS_PROFILE.replace('date = "DD.MM.ÅÅÅÅ"', 'date = "DD.MM.XX"')
    assert problems_of(text) == [
        "schema.profile.toml, rad 6: " + msg.PROFILE_BAD_FORMAT.format(value="DD.MM.XX", key="date")
    ]


def test_a_map_to_a_value_the_column_does_not_take_names_the_code_line():
    text = SHIFTS_PROFILE.replace('"Jour" = "on_call"', '"Jour" = "jour"')
    assert problems_of(text) == [
        "schema.profile.toml, rad 17: "
        + msg.PROFILE_BAD_VALUE.format(
            value="jour", column="kind", choices="assistance, on_call, standby"
        )
    ]


def test_broken_toml_names_its_line():
    text = SHIFTS_PROFILE.replace('case_id = "Ärende"', 'case_id "Ärende"')
    [problem] = problems_of(text)
    assert problem.startswith("schema.profile.toml, rad 9: profilen är inte giltig TOML (")


def test_a_missing_required_column_an_unknown_key_and_a_bad_table_are_all_listed():
    text = SHIFTS_PROFILE.replace('case_id = "Ärende"\n', "").replace(
        'name = "Schema"', 'name = "Schema"\nkolumner = 3'
    )
    assert problems_of(text) == [
        "schema.profile.toml, rad 2: "
        + msg.PROFILE_UNKNOWN_KEY.format(
            key="kolumner",
            keys="name, description, files, table, sheet, formats, columns, values, paxml, sie",
        ),
        "schema.profile.toml, rad 9: " + msg.PROFILE_REQUIRED_COLUMN.format(column="case_id"),
    ]
    assert problems_of(SHIFTS_PROFILE.replace('"shifts"', '"pass"')) == [
        "schema.profile.toml, rad 3: "
        + msg.PROFILE_UNKNOWN_TABLE.format(
            value="pass",
            tables="units, cases, decisions, employees, employments, shifts, worked, "
            "absences, ledger, accounts, fk_reports, budget",
        )
    ]


def test_a_source_column_missing_from_the_file_names_the_profile_line_and_the_file():
    profile = parsed(SHIFTS_PROFILE)
    data = "Ärende;Anställd;Datum;Start;Slut;Typ\n51470;E1;20.02.2025;07:00;16:00;Pass\n"
    raw = read_entries([("schema_v8.csv", data.encode())], [profile])
    assert raw.problems == [
        Problem(
            "p.profile.toml",
            10,
            None,
            msg.PROFILE_SOURCE_MISSING.format(
                column="Anst",
                file="schema_v8.csv",
                columns="Ärende, Anställd, Datum, Start, Slut, Typ",
            ),
        )
    ]
    assert "shifts" not in raw.files


def test_an_unmapped_code_and_a_value_off_the_format_name_the_row_and_the_profile_line():
    profile = parsed(SHIFTS_PROFILE)
    data = (
        "Ärende;Anst;Datum;Start;Slut;Typ\n"
        "51470;E1;20.02.2025;07:00;16:00;pass\n"
        "51470;E1;2025/02/21;07:00;16:00;Beredskap\n"
    )
    raw = read_entries([("schema_v8.csv", data.encode())], [profile])
    assert [str(p) for p in raw.problems] == [
        'schema_v8.csv, rad 3, kolumn "Typ": koden "Beredskap" saknas i profilens värdelista '
        "för kind (p.profile.toml, rad 15); förväntat en av: Pass, Jour.",
        'schema_v8.csv, rad 3, kolumn "Datum": värdet "2025/02/21" passar inte formatet '
        '"DD.MM.ÅÅÅÅ" (p.profile.toml, rad 11); förväntat t.ex. 31.03.2025.',
    ]
    # the row with problems is left out of validation; the good row is read (codes ignore case)
    assert raw.files["shifts"].frame.get_column("kind").to_list() == ["assistance"]


def test_an_explicit_profile_reads_the_single_file_whatever_its_name():
    profile = parsed(SHIFTS_PROFILE)
    data = "Ärende;Anst;Datum;Start;Slut;Typ\n51470;E1;20.02.2025;07:00;16:00;Pass\n"
    raw = read_entries([("export (1).csv", data.encode())], [profile])
    assert raw.problems == []
    assert raw.files["shifts"].frame.row(0) == (
        2,
        "51470",
        "E1",
        "2025-02-20 07:00",
        "2025-02-20 16:00",
        "assistance",
    )
    # in a set of several files it reads only those its pattern matches
    raw = read_entries(
        [("export (1).csv", data.encode()), ("units.csv", BASE["units"].encode())], [profile]
    )
    assert "shifts" not in raw.files
    assert raw.notes == [msg.FILE_IGNORED.format(file="export (1).csv")]


def test_a_file_two_profiles_match_is_a_problem_and_a_profile_in_the_set_needs_a_pattern():
    other = SHIFTS_PROFILE.replace('name = "Schema"', 'name = "Annat"')
    no_pattern = SHIFTS_PROFILE.replace('files = ["schema*.csv"]\n', "")
    data = "Ärende;Anst;Datum;Start;Slut;Typ\n51470;E1;20.02.2025;07:00;16:00;Pass\n"
    raw = read_entries(
        [
            ("a.profile.toml", SHIFTS_PROFILE.encode()),
            ("b.profile.toml", other.encode()),
            ("c.profile.toml", no_pattern.encode()),
            ("schema_v8.csv", data.encode()),
        ]
    )
    assert [str(p) for p in raw.problems] == [
        "c.profile.toml, rad 1: " + msg.PROFILE_NO_FILES,
        "schema_v8.csv: " + msg.PROFILE_TWO_MATCH.format(profiles="a.profile.toml, b.profile.toml"),
    ]


def test_breaks_as_hours_and_a_column_default():
    text = (
        'name = "Utfall"\nfiles = "u*.csv"\ntable = "worked"\n'
        '[formats]\nbreak = "timmar"\ndatetime = "DD/MM/ÅÅ TT:MM"\n'
        '[columns]\ncase_id = "Ärende"\nemployee_id = "Anst"\nstart = "Från"\nend = "Till"\n'
        'break_minutes = "Rast"\ntime_type = { column = "Typ", default = "ordinary" }\n'
    )
    data = (
        "Ärende;Anst;Från;Till;Rast;Typ\n"
        "51470;E1;10/01/25 7:00;10/01/25 16:00;0,75;\n"
        "51470;E1;10/01/25 18:00;2025-01-10 20:00;;additional\n"
    )
    raw = read_entries([("u.csv", data.encode())], [parsed(text)])
    assert raw.problems == []
    assert raw.files["worked"].frame.drop("_row").rows() == [
        ("51470", "E1", "2025-01-10 07:00", "2025-01-10 16:00", "45", "ordinary"),
        ("51470", "E1", "2025-01-10 18:00", "2025-01-10 20:00", None, "additional"),
    ]


# ---------------------------------------------------------------- PAXml and SIE options


def test_a_paxml_profile_gives_the_options_its_reader_takes():
    text = (
        'name = "PAXml från TimeCare"\nfiles = ["*.xml"]\n'
        '[paxml]\ncase_dim = "7"\n'
        '[paxml.time_codes]\nMERTID = "additional"\n"SJK14" = "sick"\nOB1 = false\n'
        '[paxml.employment_defaults]\nfull_time_hours_per_week = "38,25"\nstatus = "ordinary"\n'
    )
    profiles = [parsed(text), parsed('name = "SIE"\nfiles = "*.se"\n[sie]\ncost_center_dim = 2\n')]
    assert profile_options_for("lon_202503.XML", profiles) == PaxmlOptions(
        time_codes={
            "MERTID": TimeCode("worked", "additional"),
            "SJK14": TimeCode("absences", "sick"),
            "OB1": TimeCode("skip"),
        },
        case_dim="7",
        cost_center_dim="1",
        employment_defaults={"full_time_hours_per_week": "38,25", "status": "ordinary"},
    )
    assert profile_options_for("bok.se", profiles) == SieOptions(case_dim="6", cost_center_dim="2")
    assert profile_options_for("worked.csv", profiles) is None


def test_a_paxml_time_code_to_nothing_known_names_its_line():
    text = 'name = "P"\nfiles = ["*.xml"]\n[paxml.time_codes]\nARB = "ordinary"\nX = "vila"\n'
    [problem] = problems_of(text)
    assert problem.startswith('schema.profile.toml, rad 5: tidkoden "X" har ett okänt mål')


def test_profiles_in_the_set_are_taken_out_of_its_files():
    entries = [("a.profile.toml", SHIFTS_PROFILE.encode()), ("units.csv", b"x")]
    problems: list[Problem] = []
    rest, profiles = profiles_collect(entries, [], problems)
    assert (rest, [p.name for p in profiles.found], problems) == (
        [("units.csv", b"x")],
        ["Schema"],
        [],
    )


def test_the_frame_is_canonical_text_with_a_night_shift_s_end_on_the_next_date():
    text = TIMECARE + "P5;51470;E1;Anna Andersson;2025-12-31;07:00;07:00;0:00;Pass\n"
    raw = read_entries(
        [("TimeCare_v8.csv", text.encode())], [parsed(example("timecare-schema.profile.toml"))]
    )
    frame = raw.files["shifts"].frame
    assert set(frame.drop("_row").dtypes) == {pl.String}
    # the end written out as data.md's rule places a time alone: not after the start = the
    # next day (a whole day when equal), across the new year too
    assert frame.select("start", "end").rows() == [
        ("2025-02-20 07:00", "2025-02-20 16:00"),
        ("2025-02-21 22:00", "2025-02-22 07:00"),
        ("2025-03-29 22:00", "2025-03-30 07:00"),
        ("2025-12-31 07:00", "2026-01-01 07:00"),
    ]


def test_a_ledger_month_format_and_absence_hours_as_hh_mm():
    ledger = parsed(
        'name = "Huvudbok"\nfiles = "hb*.csv"\ntable = "bokföring"\n'
        '[formats]\nmonth = "ÅÅÅÅMM"\ndecimal = ","\n'
        '[columns]\nmonth = "Period"\ncost_center = "Ansvar"\ncase_id = "Objekt"\n'
        'account = "Konto"\namount = "Belopp"\n'
    )
    raw = read_entries(
        [
            (
                "hb.csv",
                b"Period;Ansvar;Objekt;Konto;Belopp\n202501;81515;51470;5010;-1.234,50\n",
            )
        ],
        [ledger],
    )
    assert raw.files["ledger"].frame.row(0) == (2, "2025-01", "81515", "51470", "5010", "-1234,50")
    absences = parsed(
        'name = "Frånvaro"\nfiles = "f*.csv"\ntable = "absences"\n[formats]\ndate = "DD.MM.ÅÅÅÅ"\n'
        '[columns]\nemployee_id = "Anst"\nstart = "Från"\nend = "Till"\n'
        'type = { value = "sick" }\nhours = { column = "Tid", format = "tt:mm" }\n'
    )
    raw = read_entries(
        [("f.csv", "Anst;Från;Till;Tid\nE1;03.02.2025;04.02.2025;7:30\n".encode())], [absences]
    )
    assert raw.files["absences"].frame.row(0) == (
        2,
        "E1",
        "2025-02-03",
        "2025-02-04",
        "sick",
        "7.5",
    )


@pytest.mark.parametrize(
    ("fmt", "given", "minutes"),
    [
        ("minuter", "45", "45"),
        ("tt:mm", "0:45", "45"),
        ("tt:mm", "1.05", "65"),
        ("tt:mm", "1899-12-31 00:30:00", "30"),
        ("timmar", "0,75", "45"),
        ("timmar", "0.5", "30"),
    ],
)
def test_a_break_is_read_as_minutes_from_each_format(fmt, given, minutes):
    text = (
        f'name = "U"\nfiles = "u*.csv"\ntable = "worked"\n[formats]\nbreak = "{fmt}"\n'
        '[columns]\ncase_id = "A"\nemployee_id = "B"\nstart = "S"\nend = "E"\n'
        'break_minutes = "R"\ntime_type = { value = "ordinary" }\n'
    )
    data = f"A;B;S;E;R\n51470;E1;2025-01-10 07:00;2025-01-10 16:00;{given}\n"
    raw = read_entries([("u.csv", data.encode())], [parsed(text)])
    assert raw.problems == []
    assert raw.files["worked"].frame.get_column("break_minutes").to_list() == [minutes]


def test_a_zip_with_a_profile_reads_like_the_folder(tmp_path):
    import zipfile

    folder = write_set(tmp_path / "set", shifts=None)
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"export/{f.name}")
        z.writestr("export/TimeCare_v8.csv", TIMECARE)
        z.writestr("export/tc.profile.toml", example("timecare-schema.profile.toml"))
    dataset = validate(read_dataset(target))
    assert dataset.problems == []
    assert dataset.frames["shifts"].height == 3


def test_an_end_given_as_a_time_alone_ends_on_the_start_s_day_or_the_next():
    text = SHIFTS_PROFILE.replace(
        'end = { date = "Datum", time = "Slut" }', 'end = { time = "Slut" }'
    )
    data = (
        "Ärende;Anst;Datum;Start;Slut;Typ\n"
        "51470;E1;20.02.2025;07:00;16:00;Pass\n"
        "51470;E1;20.02.2025;22:00;07:00;Pass\n"
    )
    base = [(f"{t}.csv", v.encode()) for t, v in BASE.items()]
    dataset = validate(read_entries([*base, ("schema_v8.csv", data.encode())], [parsed(text)]))
    assert dataset.problems == []
    assert dataset.frames["shifts"].get_column("end").to_list() == [
        at("2025-02-20", "16:00"),
        at("2025-02-21", "07:00"),
    ]


@pytest.mark.parametrize(
    "entry",
    ['start = { time = "Start" }', 'start = { date = "Datum" }', 'case_id = { date = "Datum" }'],
)
def test_a_start_needs_a_date_and_only_times_take_date_and_time(entry):
    key = entry.split(" ")[0]
    old = next(line for line in SHIFTS_PROFILE.splitlines() if line.startswith(f"{key} ="))
    [problem] = problems_of(SHIFTS_PROFILE.replace(old, entry))
    message = (
        msg.PROFILE_DATE_TIME_ONLY.format(column="case_id")
        if key == "case_id"
        else msg.PROFILE_BAD_ENTRY.format(column="start")
    )
    line = 9 if key == "case_id" else 11
    assert problem == f"schema.profile.toml, rad {line}: {message}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('files = ["schema*.csv"]', "files = 5", msg.PROFILE_BAD_FILES),
        ('table = "shifts"', "table = 5", None),
        ('date = "DD.MM.ÅÅÅÅ"', "date = 5", msg.PROFILE_NOT_TEXT.format(key="date")),
        (
            'case_id = "Ärende"',
            'case_id = ["Ärende"]',
            msg.PROFILE_BAD_ENTRY.format(column="case_id"),
        ),
        (
            'case_id = "Ärende"',
            'case_id = { column = ["Ä"] }',
            msg.PROFILE_NOT_TEXT.format(key="column"),
        ),
        ('Pass = "assistance"', "Pass = { x = 1 }", msg.PROFILE_BAD_TARGET.format(code="Pass")),
        ('name = "Schema"', 'name = "Schema"\nsheet = 1', msg.PROFILE_NOT_TEXT.format(key="sheet")),
        ('name = "Schema"', 'name = ""', msg.PROFILE_NO_NAME),
    ],
)
def test_a_value_of_the_wrong_kind_is_a_problem_not_a_crash(old, new, message):
    problems = problems_of(SHIFTS_PROFILE.replace(old, new))
    assert problems
    if message is not None:
        assert any(p.endswith(message) for p in problems), problems


@pytest.mark.parametrize(
    "text",
    [
        'name = "P"\nfiles = "*.xml"\n[paxml]\ntime_codes = "ARB"\n',
        'name = "P"\nfiles = "*.xml"\n[paxml]\nemployment_defaults = 3\n',
        'name = "P"\nfiles = "*.se"\nsie = 3\n',
        'name = "P"\nfiles = "*.se"\n[sie]\n[paxml]\n',
        'name = "P"\nfiles = "*.csv"\ntable = "worked"\ncolumns = 3\nvalues = "x"\n',
    ],
)
def test_odd_sections_are_problems_not_crashes(text):
    assert problems_of(text)


def test_a_table_profile_does_not_read_a_file_that_is_not_csv_or_excel():
    profile = parsed(SHIFTS_PROFILE.replace('files = ["schema*.csv"]', 'files = ["schema*"]'))
    raw = read_entries([("schema.xml", b"<paxml/>")], [profile])
    assert [str(p) for p in raw.problems] == [
        "schema.xml: " + msg.PROFILE_WRONG_FORMAT.format(profile="p.profile.toml")
    ]


def test_a_profile_file_given_on_the_command_line_is_read_or_reported(tmp_path):
    from timbalans.ingest.profiles import profile_from_file

    path = tmp_path / "schema.profile.toml"
    path.write_text(SHIFTS_PROFILE, encoding="utf-8")
    profile, problems = profile_from_file(path)
    assert (profile.name, profile.source, problems) == ("Schema", "schema.profile.toml", [])
    assert profile_from_file(tmp_path / "saknas.toml") == (
        None,
        [Problem("saknas.toml", None, None, msg.SOURCE_MISSING)],
    )
    path.write_bytes("name = 'Å'".encode("cp1252"))
    assert profile_from_file(path) == (
        None,
        [Problem("schema.profile.toml", None, None, msg.PROFILE_NOT_UTF8)],
    )
