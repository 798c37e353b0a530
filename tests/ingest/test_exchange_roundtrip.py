"""Done when: canonical reference tables plus one PAXml file (time and absence) and one SIE 4
file (ledger) give exactly the figures of the same data in canonical form, from files and
from the database, with hand-computed values (a DST night, a break, a three-day sick spell)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.ingest.exchange_samples import (
    PAXML_ROWS,
    SIE_BODY,
    paxml,
    sie,
    tidtrans,
    write_canonical_set,
    write_exchange_set,
)
from timbalans.figures.frames import Frames, frames_from_files
from timbalans.figures.registry import FIGURE_NAMES, FigureRequest, figure_function
from timbalans.ingest import messages as msg
from timbalans.records import models as m
from timbalans.records.frames import frames_load
from timbalans.records.services import import_batch_apply, import_dataset_validate

REQUEST = FigureRequest.make(
    date(2025, 6, 30), date_from=date(2025, 1, 1), date_to=date(2025, 6, 30)
)


def figures(frames: Frames) -> dict[str, pl.DataFrame]:
    return {name: figure_function(name)(frames, REQUEST) for name in FIGURE_NAMES}


def value(table: pl.DataFrame, column: str, **where: str) -> float:
    rows = table.filter(*(pl.col(k) == v for k, v in where.items())).get_column(column)
    assert rows.len() == 1, (where, rows)
    return rows.item()


def assert_hand_computed(tables: dict[str, pl.DataFrame]) -> None:
    hb = tables["hour-balance"]
    # 51470: 07:00-16:00 less the hour's break (timmar 8.00) + 07:00-16:00 less 30 minutes.
    assert value(hb, "worked_hours", case_id="51470") == 8.0 + 8.5
    # 51357: 22:00-07:00 across the change to summer time is 8 real hours, not 9.
    assert value(hb, "worked_hours", case_id="51357", period_start=date(2025, 3, 1)) == 8.0
    # E1 (75 % of 40 h) sick 3-5 February: 3 days x 30 h / 7 days.
    sick = value(tables["absence"], "sick_hours", unit_id="81515", month="2025-02")
    assert sick == pytest.approx(3 * 40 * 0.75 / 7)
    assert value(tables["overtime"], "overtime_hours", unit_id="81515", month="2025-02") == 8.5
    ce = tables["case-economics"].filter(pl.col("source") == "ledger")
    assert value(ce, "revenue", case_id="51470", month="2025-01") == 1000.5
    assert value(ce, "cost_salary_monthly", case_id="", month="2025-01") == 2000.0


def assert_same_tables(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame]) -> None:
    for name in FIGURE_NAMES:
        assert_frame_equal(got[name], want[name], check_exact=False, abs_tol=1e-6), name


def test_the_exchange_files_give_exactly_the_figures_of_the_canonical_files(tmp_path):
    canonical = figures(frames_from_files(write_canonical_set(tmp_path / "c")))
    exchange = figures(frames_from_files(write_exchange_set(tmp_path / "x")))
    assert_hand_computed(canonical)
    assert_hand_computed(exchange)
    assert_same_tables(exchange, canonical)


def test_the_import_report_says_what_each_exchange_file_became(tmp_path):
    from timbalans.ingest.read import read_dataset

    raw = read_dataset(write_exchange_set(tmp_path / "x"))
    assert raw.problems == []
    assert raw.notes == [
        "bokforing.se (SIE 4) blev: ledger 2 rader.",
        "bokforing.se: 1 rader hoppades över (konto 1930: 1).",
        "tid_januari.xml (PAXml) blev: worked 3 rader, absences 1 rader.",
        "tid_januari.xml: 1 rader hoppades över (tidkod OB1: 1).",
    ]
    assert {t: (f.name, f.format, f.rows) for t, f in raw.files.items() if f.source} == {
        "ledger": ("bokforing.se", "sie4", 2),
        "worked": ("tid_januari.xml", "paxml", 3),
        "absences": ("tid_januari.xml", "paxml", 1),
    }


@pytest.mark.django_db
def test_the_imported_exchange_set_gives_the_same_figures_from_the_database(tmp_path):
    canonical = figures(frames_from_files(write_canonical_set(tmp_path / "c")))
    source = write_exchange_set(tmp_path / "x")
    dataset = import_dataset_validate(source=source)
    assert dataset.ok, dataset.problems
    batch = import_batch_apply(dataset=dataset, source=str(source))
    assert batch.rows == {
        "units": 2,
        "cases": 2,
        "decisions": 2,
        "employees": 2,
        "employments": 2,
        "accounts": 2,
        "worked": 3,
        "absences": 1,
        "ledger": 2,
    }
    assert sorted(
        (f["name"], f["table"], f["format"]) for f in batch.files if f["format"] != "csv"
    ) == [
        ("bokforing.se", "ledger", "sie4"),
        ("tid_januari.xml", "absences", "paxml"),
        ("tid_januari.xml", "worked", "paxml"),
    ]
    from_db = figures(frames_load())
    assert_hand_computed(from_db)
    assert_same_tables(from_db, canonical)
    assert m.Worked.objects.get(start__month=3).break_minutes == 0


@pytest.mark.django_db
def test_a_paxml_file_and_a_worked_csv_in_one_set_are_refused_naming_both(tmp_path):
    source = write_exchange_set(tmp_path / "x")
    (source / "worked.csv").write_text(
        "case_id;employee_id;start;end;break_minutes;time_type\n"
        "51470;E1;2025-01-11 07:00;2025-01-11 16:00;60;ordinary\n",
        encoding="utf-8",
    )
    dataset = import_dataset_validate(source=source)
    assert [str(p) for p in dataset.problems] == [
        "worked.csv: "
        + msg.EXCHANGE_DUPLICATE_TABLE.format(table="worked", other="tid_januari.xml")
    ]
    assert msg.EXCHANGE_DUPLICATE_TABLE.format(table="worked", other="tid_januari.xml") == (
        'filen ger rader till tabellen worked, som redan kommer från filen "tid_januari.xml"; '
        "förväntat en fil per tabell (lägg samman filerna eller ta bort den ena)."
    )


def _bad_sets():
    """Each bad exchange file of the issue's list, as (name, file name, content)."""
    from tests.ingest import test_paxml as tp

    day = tp.DAY
    good = paxml(*PAXML_ROWS)
    unbalanced = list(SIE_BODY)
    unbalanced[4] = "\t#TRANS 1930 {} -999.00"
    return [
        ("unknown-code", "tid.xml", paxml(tidtrans("E1", "LUNCH", hours="1", case="51470", **day))),
        ("no-case", "tid.xml", paxml(tidtrans("E1", "ARB", hours="8", **day))),
        (
            "hours-over-clock",
            "tid.xml",
            paxml(tidtrans("E1", "ARB", hours="9.5", case="51470", **day)),
        ),
        (
            "no-such-date",
            "tid.xml",
            paxml(
                tidtrans(
                    "E1",
                    "ARB",
                    hours="8",
                    case="51470",
                    start="2025-02-30T07:00:00",
                    end="2025-02-30T16:00:00",
                )
            ),
        ),
        ("truncated", "tid.xml", good[: len(good) // 2]),
        ("billion-laughs", "tid.xml", tp.BILLION_LAUGHS),
        ("external-entity", "tid.xml", tp.EXTERNAL_ENTITY),
        ("unbalanced-ver", "bok.se", sie(*unbalanced)),
        (
            "unmapped-account",
            "bok.se",
            sie(*SIE_BODY[:4], '#TRANS 7010 {1 "81515"} 999.50', "#TRANS 1930 {} -1999.00", "}"),
        ),
        ("wrong-format", "bok.se", sie(*SIE_BODY, fmt="EBCDIC")),
        ("missing-brace", "bok.se", sie(*SIE_BODY[:-1])),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "content"), [b[1:] for b in _bad_sets()], ids=[b[0] for b in _bad_sets()]
)
def test_a_bad_exchange_file_changes_nothing_stored(tmp_path, file, content):
    from tests.records.test_import import snapshot
    from timbalans.records.services import ImportRejected

    first = write_canonical_set(tmp_path / "c")
    import_batch_apply(dataset=import_dataset_validate(source=first), source=str(first))
    before = snapshot()
    source = write_exchange_set(tmp_path / "x")
    (source / ("tid_januari.xml" if file == "tid.xml" else "bokforing.se")).write_bytes(content)
    dataset = import_dataset_validate(source=source)
    assert dataset.problems
    assert {p.file for p in dataset.problems} == {
        "tid_januari.xml" if file == "tid.xml" else "bokforing.se"
    }
    assert all(p.row is not None for p in dataset.problems)
    with pytest.raises(ImportRejected):
        import_batch_apply(dataset=dataset, source=str(source))
    assert snapshot() == before
    assert m.ImportBatch.objects.count() == 1


@pytest.mark.django_db
def test_the_import_command_prints_what_each_file_became_on_a_dry_run(tmp_path, capsys):
    from django.core.management import call_command

    call_command("import", str(write_exchange_set(tmp_path / "x")), "--dry-run")
    out = capsys.readouterr().out
    assert "tid_januari.xml (PAXml) blev: worked 3 rader, absences 1 rader.\n" in out
    assert "tid_januari.xml: 1 rader hoppades över (tidkod OB1: 1).\n" in out
    assert "bokforing.se: 1 rader hoppades över (konto 1930: 1).\n" in out
    assert msg.DRY_RUN_OK.format(rows=18, files=8) in out  # 6 CSV, 1 PAXml, 1 SIE
    assert m.ImportBatch.objects.count() == 0


def test_figures_data_reads_a_folder_of_exchange_files(tmp_path, capsys):
    from django.core.management import call_command

    call_command(
        "figures",
        "hour-balance",
        "--as-of",
        "2025-06-30",
        "--case",
        "51470",
        "--data",
        str(write_exchange_set(tmp_path / "x")),
        "--format",
        "csv",
    )
    header, row = capsys.readouterr().out.splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["worked_hours"] == "16.5"


def test_a_zip_of_canonical_and_exchange_files_reads_like_the_folder(tmp_path):
    import zipfile

    from timbalans.ingest.read import read_dataset

    folder = write_exchange_set(tmp_path / "x")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"export/{p.name}")
    from_zip, from_folder = read_dataset(archive), read_dataset(folder)
    assert from_zip.problems == [] and from_zip.notes == from_folder.notes
    for table, raw in from_folder.files.items():
        assert from_zip.files[table].frame.equals(raw.frame), table


def test_one_paxml_file_alone_is_read_as_a_set(tmp_path):
    from timbalans.ingest.read import read_dataset

    path = tmp_path / "tid.xml"
    path.write_bytes(paxml(*PAXML_ROWS))
    raw = read_dataset(path)
    assert raw.problems == []
    assert sorted(raw.files) == ["absences", "worked"]
