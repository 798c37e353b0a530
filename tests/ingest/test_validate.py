"""Every validation rule once broken, with the exact message; and what valid input parses to."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import xlsxwriter

from tests.builders import write_set
from timbalans.ingest.read import read_dataset
from timbalans.ingest.validate import Known, local_months, validate

TZ = ZoneInfo("Europe/Stockholm")
W_HEAD = "case_id;employee_id;start;end;break_minutes;time_type\n"


def problems_of(tmp_path, **tables):
    ds = validate(read_dataset(write_set(tmp_path / "s", **tables)))
    return [str(p) for p in ds.problems]


def test_the_base_set_is_valid(tmp_path):
    assert problems_of(tmp_path) == []


BROKEN = [
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;vila\n",
        'worked.csv, rad 2, kolumn "time_type": värdet "vila" är inte tillåtet; förväntat ett av: '
        "ordinary, additional, overtime_simple, overtime_qualified, on_call, standby.",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-32 07:00;2025-01-10 16:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "start": värdet "2025-01-32 07:00" är inte en tidpunkt; '
        "förväntat ÅÅÅÅ-MM-DD TT:MM, t.ex. 2025-03-31 07:00.",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-10 07:00;sen kväll;0;ordinary\n",
        'worked.csv, rad 2, kolumn "end": värdet "sen kväll" är inte en tidpunkt; förväntat '
        "ÅÅÅÅ-MM-DD TT:MM eller bara TT:MM, t.ex. 2025-03-31 16:00 eller 16:00.",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;2025-03-30 02:30;2025-03-30 09:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "start": tidpunkten "2025-03-30 02:30" finns inte i svensk tid '
        "(klockan ställs fram från 02:00 till 03:00 när sommartiden börjar); förväntat en "
        "tidpunkt som finns.",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-10 22:00;2025-01-10 07:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "end": slutet "2025-01-10 07:00" ligger inte efter starten '
        '"2025-01-10 22:00"; förväntat ett senare slut (ett pass över midnatt anges med datum, '
        "eller med bara klockslag på sluttiden).",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-10 07:00;2025-01-10 08:00;60;ordinary\n",
        'worked.csv, rad 2, kolumn "break_minutes": rasten "60" minuter är lika lång som passet '
        "eller längre (60 minuter); förväntat en kortare rast.",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-10 07:00;2025-01-10 16:00;en halvtimme;ordinary\n",
        'worked.csv, rad 2, kolumn "break_minutes": värdet "en halvtimme" är inte ett heltal; '
        "förväntat t.ex. 30.",
    ),
    (
        "worked",
        W_HEAD + ";E1;2025-01-10 07:00;2025-01-10 16:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "case_id": värde saknas; kolumnen måste vara ifylld.',
    ),
    (
        "worked",
        W_HEAD + "99999;E1;2025-01-10 07:00;2025-01-10 16:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "case_id": ärendet "99999" finns varken i cases.csv eller bland '
        "redan importerade data; förväntat ett ärende i cases.",
    ),
    (
        "worked",
        W_HEAD + "51470;E9;2025-01-10 07:00;2025-01-10 16:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "employee_id": medarbetaren "E9" finns varken i employees.csv '
        "eller bland redan importerade data; förväntat en medarbetare i employees.",
    ),
    (
        "worked",
        "case_id;employee_id;start;break_minutes;time_type\n51470;E1;2025-01-10 07:00;0;ordinary\n",
        'worked.csv, rad 1, kolumn "end": kolumnen saknas; den är obligatorisk i den här tabellen.',
    ),
    (
        "cases",
        "case_id;unit_id;service;start_date\n51470;81515;assistans_sfb;2024-01-01\n"
        "51357;81516;assistans_sfb;2024-01-01\n51470;81516;assistans_sfb;2024-01-01\n",
        'cases.csv, rad 4, kolumn "case_id": raden har samma ärende som rad 2; förväntat en rad '
        "per ärende.",
    ),
    (
        "cases",
        "case_id;unit_id;service;start_date;end_date\n51470;81515;assistans_sfb;2024-01-01;2023-12-31\n"
        "51357;81516;assistans_sfb;2024-01-01;\n",
        'cases.csv, rad 2, kolumn "end_date": datumet "2023-12-31" ligger före startdatumet '
        '"2024-01-01"; förväntat samma dag eller senare.',
    ),
    (
        "cases",
        "case_id;unit_id;service;start_date\n51470;81599;assistans_sfb;2024-01-01\n"
        "51357;81516;assistans_sfb;2024-01-01\n",
        'cases.csv, rad 2, kolumn "unit_id": enheten "81599" finns varken i units.csv eller bland '
        "redan importerade data; förväntat en enhet i units.",
    ),
    (
        "decisions",
        "case_id;payer;hours_per_week;double_hours_per_week;valid_from;valid_to;period_start\n"
        "51470;FK;100;120;2025-01-01;2025-12-31;2025-01-01\n",
        'decisions.csv, rad 2, kolumn "double_hours_per_week": värdet "120" timmar per vecka med '
        "dubbelbemanning är fler än de beviljade 100; förväntat högst 100.",
    ),
    (
        "decisions",
        "case_id;payer;hours_per_week;valid_from;valid_to;period_start;period_months\n"
        "51470;FK;100;2025-01-01;2025-12-31;2025-01-01;7\n",
        'decisions.csv, rad 2, kolumn "period_months": värdet "7" ligger utanför det tillåtna; '
        "förväntat från 1 till 6.",
    ),
    (
        "decisions",
        "case_id;payer;hours_per_week;valid_from;valid_to;period_start\n"
        "51470;FK;200;2025-01-01;2025-12-31;2025-01-01\n",
        'decisions.csv, rad 2, kolumn "hours_per_week": värdet "200" ligger utanför det tillåtna; '
        "förväntat från 0 till 168.",
    ),
    (
        "decisions",
        "case_id;payer;hours_per_week;valid_from;valid_to;period_start\n"
        "51470;FK;100;2025-06-01;2025-05-31;2025-01-01\n",
        'decisions.csv, rad 2, kolumn "valid_to": datumet "2025-05-31" ligger före startdatumet '
        '"2025-06-01"; förväntat samma dag eller senare.',
    ),
    (
        "decisions",
        "case_id;payer;hours_per_week;valid_from;valid_to;period_start\n"
        "51470;FK;hundra;2025-01-01;2025-12-31;2025-01-01\n",
        'decisions.csv, rad 2, kolumn "hours_per_week": värdet "hundra" är inte ett tal; '
        "förväntat t.ex. 1234,50 eller 1 234,50.",
    ),
    (
        "employments",
        "employee_id;form;employment_rate;monthly_salary;hourly_wage;valid_from;valid_to\n"
        "E1;monthly_permanent;120;30000;;2024-01-01;\nE2;hourly;;;180;2024-01-01;\n",
        'employments.csv, rad 2, kolumn "employment_rate": värdet "120" ligger utanför det '
        "tillåtna; förväntat från 0 till 100.",
    ),
    (
        "employments",
        "employee_id;form;employment_rate;monthly_salary;hourly_wage;valid_from;valid_to\n"
        "E1;monthly_permanent;;30000;;2024-01-01;\nE2;hourly;;;180;2024-01-01;\n",
        'employments.csv, rad 2, kolumn "employment_rate": värde saknas; en månadsavlönad '
        "anställning måste ha sysselsättningsgrad.",
    ),
    (
        "employments",
        "employee_id;form;employment_rate;monthly_salary;hourly_wage;valid_from;valid_to\n"
        "E1;monthly_permanent;75;30000;;2024-01-01;\nE2;hourly;;;;2024-01-01;\n",
        'employments.csv, rad 3, kolumn "hourly_wage": värde saknas; en timavlönad anställning '
        "måste ha timlön.",
    ),
    (
        "employments",
        "employee_id;form;employment_rate;monthly_salary;hourly_wage;valid_from;valid_to\n"
        "E1;monthly_temporary;75;30000;;2024-01-01;2024-12-31\n"
        "E1;monthly_permanent;75;30000;;2024-12-01;\nE2;hourly;;;180;2024-01-01;\n",
        'employments.csv, rad 3, kolumn "valid_from": anställningen 2024-12-01–tills vidare '
        'överlappar anställningen 2024-01-01–2024-12-31 på rad 2 för medarbetare "E1"; '
        "förväntat högst en månadsavlönad och en timavlönad anställning åt gången.",
    ),
    (
        "absences",
        "employee_id;start;end;type;extent_percent\nE1;2025-02-01;2025-02-03;sjuk;100\n",
        'absences.csv, rad 2, kolumn "type": värdet "sjuk" är inte tillåtet; förväntat ett av: '
        "sick, child_care, vacation, parental, leave, other.",
    ),
    (
        "absences",
        "employee_id;start;end;type\nE1;igår;2025-02-03;sick\n",
        'absences.csv, rad 2, kolumn "start": värdet "igår" är varken ett datum eller en '
        "tidpunkt; förväntat ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM.",
    ),
    (
        "absences",
        "employee_id;start;end;type;extent_percent\nE1;2025-02-01;2025-02-03;sick;150\n",
        'absences.csv, rad 2, kolumn "extent_percent": värdet "150" ligger utanför det tillåtna; '
        "förväntat från 0 till 100.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n2025-13;81515;51470;3010;-100\n",
        'ledger.csv, rad 2, kolumn "month": värdet "2025-13" är inte en månad; förväntat ÅÅÅÅ-MM, '
        "t.ex. 2025-03.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n2025-01;81599;51470;3010;-100\n",
        'ledger.csv, rad 2, kolumn "cost_center": ansvaret "81599" hör inte till någon enhet; '
        "förväntat ett ansvar (cost_center) som finns i units.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n2025-01;81515;51470;7777;-100\n",
        'ledger.csv, rad 2, kolumn "account": kontot "7777" finns inte i kontoplanen; förväntat '
        "ett konto som accounts mappar till en kategori.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n2025-01;81515;51470;3010;1.234,50\n",
        'ledger.csv, rad 2, kolumn "amount": värdet "1.234,50" är inte ett tal; förväntat t.ex. '
        "1234,50 eller 1 234,50.",
    ),
    (
        "accounts",
        "account;category;structural\n3010;revenue_fk;kanske\n5010-5099;salary_monthly;no\n",
        'accounts.csv, rad 2, kolumn "structural": värdet "kanske" är inte ja eller nej; förväntat '
        "yes, no, ja eller nej.",
    ),
    (
        "accounts",
        "account;category;structural\n3010;revenue_fk;no\n5099-5010;salary_monthly;no\n",
        'accounts.csv, rad 3, kolumn "account": kontointervallet "5099-5010" slutar före sin '
        "början; förväntat t.ex. 5010-5099.",
    ),
    (
        "units",
        "unit_id;name;cost_center\n81515;PA Norr;\n81516;PA Syd;81516\n",
        'units.csv, rad 2, kolumn "cost_center": värde saknas; kolumnen måste vara ifylld.',
    ),
    (
        "units",
        "unit_id;name;cost_center;Enhet\n81515;PA Norr;81515;x\n81516;PA Syd;81516;y\n",
        'units.csv, rad 1, kolumn "Enhet": kolumnen "unit_id" förekommer två gånger (även som '
        '"unit_id"); förväntat en gång.',
    ),
]


@pytest.mark.parametrize(("table", "text", "expected"), BROKEN)
def test_each_rule_names_file_row_column_value_and_expectation(tmp_path, table, text, expected):
    assert expected in problems_of(tmp_path, **{table: text})


def test_it_lists_every_problem_not_only_the_first(tmp_path):
    text = (
        W_HEAD
        + "51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;vila\n"
        + "51470;E1;2025-01-11 07:00;2025-01-11 16:00;x;ordinary\n"
        + "99999;E1;2025-01-12 07:00;2025-01-12 16:00;0;ordinary\n"
    )
    found = problems_of(tmp_path, worked=text)
    assert [p.split(":")[0] for p in found] == [
        'worked.csv, rad 2, kolumn "time_type"',
        'worked.csv, rad 3, kolumn "break_minutes"',
        'worked.csv, rad 4, kolumn "case_id"',
    ]


def test_a_file_in_neither_encoding_is_rejected_with_its_name(tmp_path):
    d = write_set(tmp_path / "s")
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8
    (d / "employees.csv").write_bytes(b"employee_id;name;unit_id\nE1;A\x81;81515\n")
    found = [str(p) for p in validate(read_dataset(d)).problems]
    assert (
        "employees.csv: filen går inte att läsa som UTF-8 eller Windows-1252; förväntat en textfil "
        "sparad som UTF-8." in found
    )


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "windows-1252"],
)
def test_encodings_are_detected(tmp_path, encode):
    d = write_set(tmp_path / "s")
    (d / "employees.csv").write_bytes(
        encode("anstnr;namn;enhet\nE1;Åsa Öberg;81515\nE2;Bo Berg;81516\n")
    )
    ds = validate(read_dataset(d))
    assert ds.problems == []
    assert ds.frames["employees"].get_column("name").to_list() == ["Åsa Öberg", "Bo Berg"]


def test_comma_delimiter_decimal_comma_and_thousands_spaces(tmp_path):
    ledger = (
        "period,ansvar,objekt,konto,belopp,text\n"
        '2025-01,81515,51470,3010,"-1 234,50",a\n'
        '2025-01,81515,51470,5010,"12\u00a0000,25",b\n'
        "2025-01,81515,,5010,1234.5,c\n"
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", ledger=ledger)))
    assert ds.problems == []
    assert ds.frames["ledger"].get_column("amount").to_list() == [-1234.5, 12000.25, 1234.5]
    assert ds.frames["ledger"].get_column("case_id").to_list() == ["51470", "51470", None]


def test_swedish_aliases_are_accepted_everywhere(tmp_path):
    decisions = (
        "Arende;Betalare;Timmar_per_vecka;Dubbel_timmar_per_vecka;From;Tom;Avrakning_start;"
        "Avrakning_manader;Timbelopp\n51470;FK;100,5;;2025-01-01;2025-12-31;2025-01-01;6;383,71\n"
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", decisions=decisions)))
    assert ds.problems == []
    row = ds.frames["decisions"].row(0, named=True)
    assert row["case_id"] == "51470"
    assert row["hours_per_week"] == 100.5
    assert row["hourly_rate"] == 383.71
    assert row["valid_to"] == date(2025, 12, 31)


def test_an_end_time_without_date_crosses_midnight_and_dst_is_real_time(tmp_path):
    worked = (
        W_HEAD
        + "51357;E2;2025-03-29 22:00;07:00;0;ordinary\n"
        + "51357;E2;2025-10-25 22:00;2025-10-26 07:00;0;ordinary\n"
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", worked=worked)))
    assert ds.problems == []
    f = ds.frames["worked"]
    hours = ((f["end"] - f["start"]).dt.total_minutes() / 60).to_list()
    assert hours == [8.0, 10.0]
    assert f["end"][0] == datetime(2025, 3, 30, 7, 0, tzinfo=TZ)


def test_absence_date_ranges_are_whole_days_end_inclusive(tmp_path):
    absences = "employee_id;start;end;type\nE1;2025-02-01;2025-02-03;sick\n"
    ds = validate(read_dataset(write_set(tmp_path / "s", absences=absences)))
    row = ds.frames["absences"].row(0, named=True)
    assert row["start"] == datetime(2025, 2, 1, tzinfo=TZ)
    assert row["end"] == datetime(2025, 2, 4, tzinfo=TZ)
    assert row["whole_days"] is True
    assert row["extent_percent"] == 100.0


def test_xlsx_and_zip_are_read_like_csv(tmp_path):
    d = write_set(tmp_path / "s", employees=None)
    wb = xlsxwriter.Workbook(str(d / "employees.xlsx"))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["employee_id", "name", "unit_id"])
    ws.write_row(1, 0, ["E1", "Anna", 81515])
    ws.write_row(2, 0, ["E2", "Bo", "81516"])
    wb.close()
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(d.iterdir()):
            zf.write(p, f"export/{p.name}")
    ds = validate(read_dataset(archive))
    assert ds.problems == []
    assert ds.frames["employees"].get_column("unit_id").to_list() == ["81515", "81516"]


def test_parquet_is_read(tmp_path):
    d = write_set(tmp_path / "s", worked=None)
    pl.DataFrame(
        {
            "case_id": ["51470"],
            "employee_id": ["E1"],
            "start": ["2025-01-10 07:00"],
            "end": ["2025-01-10 16:00"],
            "break_minutes": [30],
            "time_type": ["ordinary"],
        }
    ).write_parquet(d / "worked.parquet")
    ds = validate(read_dataset(d))
    assert ds.problems == []
    assert ds.frames["worked"].get_column("break_minutes").to_list() == [30]


def test_references_may_point_to_stored_rows(tmp_path):
    d = write_set(
        tmp_path / "s",
        units=None,
        cases=None,
        decisions=None,
        employees=None,
        employments=None,
        accounts=None,
        ledger=None,
    )
    problems = validate(read_dataset(d)).problems
    assert [(p.row, p.column) for p in problems] == [
        (row, column) for row in (2, 3, 4) for column in ("case_id", "employee_id")
    ]
    known = Known(
        cases=pl.DataFrame({"case_id": ["51470", "51357"], "unit_id": ["81515", "81516"]}),
        employees=pl.DataFrame({"employee_id": ["E1", "E2"], "unit_id": ["81515", "81516"]}),
        employments=pl.DataFrame(
            {
                "employee_id": ["E1", "E2"],
                "valid_from": [date(2024, 1, 1)] * 2,
                "valid_to": [None, None],
                "form": ["monthly_permanent", "hourly"],
            },
            schema={
                "employee_id": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "form": pl.String,
            },
        ),
    )
    assert validate(read_dataset(d), known).problems == []


def test_an_employment_overlapping_a_stored_one_is_rejected(tmp_path):
    employments = (
        "employee_id;form;employment_rate;monthly_salary;valid_from;valid_to\n"
        "E1;monthly_permanent;75;30000;2025-01-01;\n"
    )
    d = write_set(tmp_path / "s", employments=employments, worked=None)
    known = Known(
        employments=pl.DataFrame(
            {"employee_id": ["E1"], "valid_from": [date(2024, 1, 1)], "valid_to": [None]},
            schema={"employee_id": pl.String, "valid_from": pl.Date, "valid_to": pl.Date},
        )
    )
    assert [str(p) for p in validate(read_dataset(d), known).problems] == [
        'employments.csv, rad 2, kolumn "valid_from": anställningen 2025-01-01–tills vidare '
        "överlappar anställningen 2024-01-01–tills vidare som redan är importerad för medarbetare "
        '"E1"; förväntat högst en månadsavlönad och en timavlönad anställning åt gången.'
    ]


# ---------------------------------------------------------------- bounds (issue 16, item 5)

BOUNDS = [
    (
        "worked",
        W_HEAD + "51470;E1;2025-01-10 07:00;2025-01-10 16:00;12345678901234567890;ordinary\n",
        'worked.csv, rad 2, kolumn "break_minutes": värdet "12345678901234567890" ligger utanför '
        "det tillåtna; förväntat från 0 till 1 440.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n2025-01;81515;51470;3010;" + "9" * 400 + "\n",
        'ledger.csv, rad 2, kolumn "amount": värdet "' + "9" * 60 + '…" ligger utanför det '
        "tillåtna; förväntat från -999 999 999 999,99 till 999 999 999 999,99.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n2025-01;81515;51470;3010;-1 000 000 000 000\n",
        'ledger.csv, rad 2, kolumn "amount": värdet "-1 000 000 000 000" ligger utanför det '
        "tillåtna; förväntat från -999 999 999 999,99 till 999 999 999 999,99.",
    ),
    (
        "decisions",
        "case_id;payer;hours_per_week;valid_from;valid_to;period_start;hourly_rate\n"
        "51470;FK;100;2025-01-01;2025-12-31;2025-01-01;100000000\n",
        'decisions.csv, rad 2, kolumn "hourly_rate": värdet "100000000" ligger utanför det '
        "tillåtna; förväntat från 0 till 99 999 999,99.",
    ),
    (
        "employments",
        "employee_id;form;employment_rate;monthly_salary;valid_from\n"
        "E1;monthly_permanent;75;10 000 000 000;2024-01-01\n",
        'employments.csv, rad 2, kolumn "monthly_salary": värdet "10 000 000 000" ligger utanför '
        "det tillåtna; förväntat från 0 till 9 999 999 999,99.",
    ),
    (
        "units",
        "unit_id;name;cost_center\n81515;" + "N" * 201 + ";81515\n81516;PA Syd;81516\n",
        'units.csv, rad 2, kolumn "name": värdet "' + "N" * 60 + '…" är 201 tecken långt; '
        "förväntat högst 200 tecken.",
    ),
    (
        "cases",
        "case_id;unit_id;service;start_date\n51470;81515;assistans_sfb;0000-01-01\n"
        "51357;81516;assistans_sfb;2024-01-01\n",
        'cases.csv, rad 2, kolumn "start_date": värdet "0000-01-01" ligger utanför det tillåtna; '
        "förväntat från 1900-01-01 till 9999-12-31.",
    ),
    (
        "worked",
        W_HEAD + "51470;E1;9999-12-31 22:00;2025-01-10 16:00;0;ordinary\n",
        'worked.csv, rad 2, kolumn "start": värdet "9999-12-31 22:00" ligger utanför det '
        "tillåtna; förväntat från 1900-01-01 till 2199-12-31.",
    ),
    (
        "absences",
        "employee_id;start;end;type\nE1;2025-02-01;9999-12-31;sick\n",
        'absences.csv, rad 2, kolumn "end": värdet "9999-12-31" ligger utanför det tillåtna; '
        "förväntat från 1900-01-01 till 2199-12-31.",
    ),
    (
        "ledger",
        "month;cost_center;case_id;account;amount\n0000-01;81515;51470;3010;-100\n",
        'ledger.csv, rad 2, kolumn "month": värdet "0000-01" ligger utanför det tillåtna; '
        "förväntat från 1900-01 till 2199-12.",
    ),
]


@pytest.mark.parametrize(("table", "text", "expected"), BOUNDS)
def test_every_value_is_bounded_to_what_the_database_and_figures_hold(
    tmp_path, table, text, expected
):
    assert expected in problems_of(tmp_path, **{table: text})


def test_the_largest_values_the_database_holds_pass(tmp_path):
    ledger = (
        "month;cost_center;case_id;account;amount\n"
        "2025-01;81515;51470;3010;-999 999 999 999,99\n"
        "2025-01;81515;;5010;999999999999.99\n"
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", ledger=ledger)))
    assert ds.problems == []
    assert ds.frames["ledger"].get_column("amount").to_list() == [
        -999_999_999_999.99,
        999_999_999_999.99,
    ]


def test_a_typed_infinite_or_missing_number_is_not_a_number(tmp_path):
    d = write_set(tmp_path / "s", ledger=None)
    pl.DataFrame(
        {
            "month": ["2025-01", "2025-01"],
            "cost_center": ["81515", "81515"],
            "case_id": ["51470", "51470"],
            "account": ["3010", "3010"],
            "amount": [float("inf"), float("nan")],
        }
    ).write_parquet(d / "ledger.parquet")
    assert [str(p) for p in validate(read_dataset(d)).problems] == [
        'ledger.parquet, rad 2, kolumn "amount": värdet "inf" är inte ett tal; förväntat t.ex. '
        "1234,50 eller 1 234,50.",
        'ledger.parquet, rad 3, kolumn "amount": värdet "NaN" är inte ett tal; förväntat t.ex. '
        "1234,50 eller 1 234,50.",
    ]


# ---------------------------------------------------------------- duplicated time (item 3)

S_HEAD = "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
W1 = "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"


def overlap(row, other, employee, start, end, case, other_start, other_end, other_case):
    return (
        f'rad {row}, kolumn "start": raden överlappar rad {other} för medarbetare "{employee}": '
        f"{start}–{end} i ärende {case} och {other_start}–{other_end} i ärende {other_case}; "
        "förväntat att en medarbetare är på ett ställe i taget (dubbel assistans är två "
        "medarbetare, aldrig samma medarbetare två gånger)."
    )


def test_an_exact_duplicate_worked_row_names_both_rows(tmp_path):
    worked = W_HEAD + W1 + "51470;E1;2025-01-11 07:00;2025-01-11 16:00;60;ordinary\n" + W1
    assert problems_of(tmp_path, worked=worked) == [
        "worked.csv, rad 4: raden är en exakt kopia av rad 2; förväntat varje rad en gång."
    ]


def test_every_copy_of_a_row_repeated_many_times_is_named_once(tmp_path):
    rows = [W1, "51357;E2;2025-01-11 22:00;2025-01-12 07:00;0;ordinary\n"]
    found = problems_of(tmp_path, worked=W_HEAD + "".join(rows * 51))
    # rows 2, 4, ..., 102 repeat row 2; rows 3, 5, ..., 103 repeat row 3
    assert len(found) == 100
    assert found[0] == (
        "worked.csv, rad 4: raden är en exakt kopia av rad 2; förväntat varje rad en gång."
    )
    assert found[-1] == (
        "worked.csv, rad 103: raden är en exakt kopia av rad 3; förväntat varje rad en gång."
    )


def test_one_employee_in_two_cases_at_once_names_both_rows(tmp_path):
    worked = W_HEAD + W1 + "51357;E1;2025-01-10 15:00;2025-01-10 20:00;0;ordinary\n"
    assert problems_of(tmp_path, worked=worked) == [
        "worked.csv, "
        + overlap(
            3,
            2,
            "E1",
            "2025-01-10 15:00",
            "2025-01-10 20:00",
            "51357",
            "2025-01-10 07:00",
            "2025-01-10 16:00",
            "51470",
        )
    ]


def test_the_same_case_twice_with_other_values_is_an_overlap(tmp_path):
    # same employee, same case, overlapping: not an exact copy (another time type)
    worked = W_HEAD + W1 + "51470;E1;2025-01-10 12:00;2025-01-10 13:00;0;overtime_simple\n"
    assert problems_of(tmp_path, worked=worked) == [
        "worked.csv, "
        + overlap(
            3,
            2,
            "E1",
            "2025-01-10 12:00",
            "2025-01-10 13:00",
            "51470",
            "2025-01-10 07:00",
            "2025-01-10 16:00",
            "51470",
        )
    ]


def test_a_row_inside_a_long_one_after_a_short_one_names_the_long_one(tmp_path):
    # the long row (rad 2) holds the latest end when rad 4 starts, not rad 3
    worked = (
        W_HEAD
        + "51470;E1;2025-01-10 07:00;2025-01-10 22:00;60;ordinary\n"
        + "51357;E1;2025-01-10 08:00;2025-01-10 09:00;0;ordinary\n"
        + "51357;E1;2025-01-10 20:00;2025-01-10 21:00;0;ordinary\n"
    )
    found = problems_of(tmp_path, worked=worked)
    assert [re.search(r"rad (\d+), .* överlappar rad (\d+) ", p).groups() for p in found] == [
        ("3", "2"),
        ("4", "2"),
    ]


def test_time_that_only_touches_and_double_assistance_are_accepted(tmp_path):
    worked = (
        W_HEAD
        + W1
        + "51357;E1;2025-01-10 16:00;2025-01-10 20:00;0;ordinary\n"  # starts as E1's ends
        + "51470;E2;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"  # a second assistant
    )
    assert problems_of(tmp_path, worked=worked) == []


def test_a_duplicate_or_overlapping_shift_of_one_employee_is_an_error(tmp_path):
    shifts = (
        S_HEAD
        + "P1;51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;assistance\n"
        + "P1;51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;assistance\n"
        + "P2;51357;E1;2025-01-10 15:00;2025-01-10 20:00;0;assistance\n"
    )
    assert problems_of(tmp_path, shifts=shifts) == [
        "shifts.csv, rad 3: raden är en exakt kopia av rad 2; förväntat varje rad en gång.",
        "shifts.csv, "
        + overlap(
            4,
            2,
            "E1",
            "2025-01-10 15:00",
            "2025-01-10 20:00",
            "51357",
            "2025-01-10 07:00",
            "2025-01-10 16:00",
            "51470",
        ),
    ]


def test_open_shifts_may_overlap_and_repeat_unless_their_id_repeats(tmp_path):
    shifts = (
        S_HEAD
        + ";51470;;2025-01-10 07:00;2025-01-10 16:00;0;assistance\n"
        + ";51470;;2025-01-10 07:00;2025-01-10 16:00;0;assistance\n"  # double staffing
        + ";51470;;2025-01-10 12:00;2025-01-10 20:00;0;assistance\n"
        + "P9;51470;;2025-01-11 07:00;2025-01-11 16:00;0;assistance\n"
        + "P9;51470;;2025-01-11 07:00;2025-01-11 16:00;0;assistance\n"
    )
    assert problems_of(tmp_path, shifts=shifts) == [
        "shifts.csv, rad 6: raden är en exakt kopia av rad 5; förväntat varje rad en gång."
    ]


# ------------------------------------------------------------------ decisions and employments

EMPLOYMENT_HEADER = (
    "employee_id;form;employment_rate;full_time_hours_per_week;monthly_salary;hourly_wage;"
    "valid_from;valid_to;status\n"
)
DECISION_HEADER = (
    "case_id;payer;hours_per_week;double_hours_per_week;valid_from;valid_to;"
    "period_start;period_months;hourly_rate\n"
)


def test_an_open_ended_decision_is_accepted(tmp_path):
    decisions = DECISION_HEADER + "51470;FK;100;;2025-01-01;;2025-01-01;6;\n"
    ds = validate(read_dataset(write_set(tmp_path / "s", decisions=decisions)))
    assert ds.problems == []
    assert ds.frames["decisions"]["valid_to"].to_list() == [None]


def test_a_newer_decision_of_the_same_payer_is_noticed_as_superseding_the_older(tmp_path):
    decisions = (
        DECISION_HEADER + "51470;FK;100;;2025-01-01;2025-12-31;2025-01-01;6;\n"
        "51470;FK;120;;2025-07-01;;2025-01-01;6;\n"
        "51357;FK;60;;2025-01-01;2025-12-31;2025-03-01;6;\n"
        "51357;KOMMUN;10;;2025-06-01;2025-12-31;2025-03-01;6;\n"
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", decisions=decisions)))
    assert ds.problems == []
    assert ds.notes == [
        'decisions.csv: ärende "51470": beslutet från 2025-07-01 ersätter beslutet '
        "2025-01-01–2025-12-31 (FK) från och med 2025-07-01; det äldre beslutet gäller "
        "till och med 2025-06-30."
    ]


def test_a_decision_superseding_a_stored_one_is_noticed(tmp_path):
    decisions = DECISION_HEADER + "51470;FK;120;;2025-07-01;;2025-01-01;6;\n"
    known = Known(
        decisions=pl.DataFrame(
            {
                "case_id": ["51470"],
                "payer": ["FK"],
                "valid_from": [date(2025, 1, 1)],
                "valid_to": [None],
            },
            schema={
                "case_id": pl.String,
                "payer": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            },
        )
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", decisions=decisions)), known)
    assert ds.notes == [
        'decisions.csv: ärende "51470": beslutet från 2025-07-01 ersätter beslutet '
        "2025-01-01–tills vidare (FK) från och med 2025-07-01; det äldre beslutet gäller "
        "till och med 2025-06-30."
    ]


def test_a_stored_supersession_is_not_noticed_again_by_an_import_of_other_decisions(tmp_path):
    decisions = DECISION_HEADER + "51357;FK;60;;2025-01-01;2025-12-31;2025-03-01;6;\n"
    known = Known(
        decisions=pl.DataFrame(
            {
                "case_id": ["51470", "51470"],
                "payer": ["FK", "FK"],
                "valid_from": [date(2025, 1, 1), date(2025, 7, 1)],
                "valid_to": [None, None],
            },
            schema={
                "case_id": pl.String,
                "payer": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            },
        )
    )
    ds = validate(read_dataset(write_set(tmp_path / "s", decisions=decisions)), known)
    assert ds.notes == []


def test_a_monthly_and_an_hourly_employment_at_once_are_accepted(tmp_path):
    employments = (
        EMPLOYMENT_HEADER + "E1;monthly_permanent;75;40;30000;;2024-01-01;;ordinary\n"
        "E1;hourly;;;;180;2025-01-01;2025-06-30;ordinary\n"
        "E2;hourly;;;;180;2024-01-01;;ordinary\n"
    )
    assert problems_of(tmp_path, employments=employments) == []


def test_two_monthly_employments_at_once_are_rejected(tmp_path):
    employments = (
        EMPLOYMENT_HEADER + "E1;monthly_permanent;75;40;30000;;2024-01-01;;ordinary\n"
        "E1;monthly_temporary;25;40;30000;;2025-01-01;2025-06-30;ordinary\n"
        "E2;hourly;;;;180;2024-01-01;;ordinary\n"
    )
    assert problems_of(tmp_path, employments=employments) == [
        'employments.csv, rad 3, kolumn "valid_from": anställningen 2025-01-01–2025-06-30 '
        "överlappar anställningen 2024-01-01–tills vidare på rad 2 för medarbetare "
        '"E1"; förväntat högst en månadsavlönad och en timavlönad anställning åt gången.'
    ]


def test_worked_time_with_no_employment_in_force_is_rejected(tmp_path):
    employments = (
        EMPLOYMENT_HEADER + "E1;monthly_permanent;75;40;30000;;2025-02-01;;ordinary\n"
        "E2;hourly;;;;180;2024-01-01;2024-12-31;ordinary\n"
        "E2;hourly;;;;185;2025-01-01;;ordinary\n"
    )
    # E1 worked 2025-01-10 before the employment began (row 2); E2's two employments touch,
    # so its night from 2025-01-11 is covered.
    assert problems_of(tmp_path, employments=employments) == [
        'worked.csv, rad 2, kolumn "employee_id": medarbetaren "E1" har ingen anställning som '
        "gäller 2025-01-10; förväntat en anställning i employments som gäller den dag passet "
        "börjar."
    ]


def test_a_budget_is_read_with_its_result_rows(tmp_path):
    budget = (
        "period;ansvar;objekt;kategori;belopp\n"
        "2025-01;81515;51470;result;-12 000\n"
        "2025-01;81515;;salary_monthly;250000\n"
        "2025-01;99999;;bogus;x\n"
    )
    assert problems_of(tmp_path, budget=budget) == [
        'budget.csv, rad 4, kolumn "amount": värdet "x" är inte ett tal; förväntat t.ex. '
        "1234,50 eller 1 234,50.",
        'budget.csv, rad 4, kolumn "category": värdet "bogus" är inte tillåtet; förväntat ett '
        "av: revenue_fk, revenue_municipal, revenue_other, salary_monthly, salary_hourly, "
        "additional_hours, overtime, ob, sick_pay, social_fees, hsl, training_reassignment, "
        "other_staff, other, result.",
        'budget.csv, rad 4, kolumn "cost_center": ansvaret "99999" hör inte till någon enhet; '
        "förväntat ett ansvar (cost_center) som finns i units.",
    ]
    ds = validate(read_dataset(write_set(tmp_path / "t", budget=budget.rsplit("2025-01;9", 1)[0])))
    assert ds.frames["budget"]["amount"].to_list() == [-12000.0, 250000.0]


def test_local_months_are_the_local_months_of_the_starts():
    # 2025-01-31 23:30 in Stockholm is 22:30 UTC the same day; 2025-03-01 00:30 is still
    # February in UTC; 2024-12-31 23:59 is a month of another year; a missing start is none
    start = pl.Series(
        "start",
        [
            datetime(2025, 1, 31, 23, 30),
            datetime(2025, 3, 1, 0, 30),
            datetime(2024, 12, 31, 23, 59),
            None,
            datetime(2025, 1, 1, 0, 0),
            datetime(2025, 10, 26, 2, 30),
        ],
        dtype=pl.Datetime("us"),
    ).dt.replace_time_zone("Europe/Stockholm", ambiguous="earliest")
    assert sorted(local_months(pl.DataFrame([start]))) == [
        "2024-12",
        "2025-01",
        "2025-03",
        "2025-10",
    ]
    assert local_months(pl.DataFrame({"start": start.clear()})) == []
