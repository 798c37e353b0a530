"""Reading a data set: the bounds of one import, encodings, ragged rows, sheets, stray zips."""

from __future__ import annotations

import struct
import zipfile

import polars as pl
import pytest
import xlsxwriter

from tests.builders import BASE, write_set
from timbalans.ingest.read import ReadLimits, read_dataset
from timbalans.ingest.validate import validate

W_HEAD = "case_id;employee_id;start;end;break_minutes;time_type\n"
W_ROW = "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"


def grouped(n: int) -> str:
    """A whole number as Swedish text groups it: 1 116."""
    return f"{n:,}".replace(",", " ")


def problems(source, limits=None, file=None):
    """The problems of a source as text; only those of ``file`` when given (a refused file
    leaves the tables referring to it with problems of their own)."""
    found = validate(read_dataset(source, limits)).problems
    return [str(p) for p in found if file is None or p.file == file]


def zip_of(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def base_members(**extra):
    return {f"{t}.csv": text.encode() for t, text in {**BASE, **extra}.items()}


# ---------------------------------------------------------------- bounds of one import


def test_it_refuses_a_zip_member_that_inflates_more_than_the_ratio(tmp_path):
    bomb = (W_HEAD + W_ROW * 200_000).encode()  # 11 MB of one row: deflate packs ~1000-fold
    archive = zip_of(tmp_path / "bomb.zip", base_members() | {"worked.csv": bomb})
    info = zipfile.ZipFile(archive).getinfo("worked.csv")
    ratio = f"{info.file_size / info.compress_size:,.0f}".replace(",", " ")
    assert info.file_size > 100 * info.compress_size
    assert problems(archive) == [
        f"worked.csv: filen packas upp {ratio} gånger större än den är packad; förväntat högst "
        "100 gånger (vanliga exporter packas upp 20–50 gånger; inställningen "
        "TIMBALANS_IMPORT_MAX_RATIO)."
    ]


def test_the_demo_sets_zipped_inflate_within_the_ratio(tmp_path):
    # the builders' set is tiny (ratio near 1); a real export's ratio is in the docs
    archive = zip_of(tmp_path / "set.zip", base_members())
    assert problems(archive) == []


def test_it_refuses_a_zip_bigger_uncompressed_than_the_limit(tmp_path):
    archive = zip_of(tmp_path / "set.zip", base_members())
    total = sum(i.file_size for i in zipfile.ZipFile(archive).infolist())
    limits = ReadLimits(max_bytes=total - 1)
    assert problems(archive, limits) == [
        f"set.zip: filerna är tillsammans {grouped(total)} byte (uppackade); en import får vara "
        f"högst {grouped(total - 1)} byte (inställningen TIMBALANS_IMPORT_MAX_MB)."
    ]


def test_it_refuses_one_member_bigger_than_the_file_limit(tmp_path):
    worked = (W_HEAD + W_ROW * 25_000).encode()  # 1 375 054 bytes = 1.31 MiB
    archive = zip_of(tmp_path / "set.zip", base_members() | {"worked.csv": worked})
    assert problems(archive, ReadLimits(max_file_bytes=1024 * 1024)) == [
        "worked.csv: filen är 1,3 MB stor (uppackad); en fil får vara högst 1,0 MB "
        "(inställningen TIMBALANS_IMPORT_MAX_FILE_MB)."
    ]


def test_it_refuses_a_folder_file_bigger_than_the_file_limit(tmp_path):
    d = write_set(tmp_path / "s")
    assert (d / "decisions.csv").stat().st_size == 211  # the largest file of the set
    assert problems(d, ReadLimits(max_file_bytes=210)) == [
        "decisions.csv: filen är 211 byte stor (uppackad); en fil får vara högst 210 byte "
        "(inställningen TIMBALANS_IMPORT_MAX_FILE_MB)."
    ]


def test_it_refuses_too_many_files_in_a_zip_and_in_a_folder(tmp_path):
    archive = zip_of(tmp_path / "set.zip", base_members())
    expected = (
        "{name}: 8 filer; en import får innehålla högst 7 filer (inställningen "
        "TIMBALANS_IMPORT_MAX_FILES)."
    )
    assert problems(archive, ReadLimits(max_files=7)) == [expected.format(name="set.zip")]
    assert problems(write_set(tmp_path / "s"), ReadLimits(max_files=7)) == [
        expected.format(name="s")
    ]


def test_it_refuses_too_many_rows_and_reads_no_further(tmp_path):
    # files are read by name: accounts 2, cases 2, decisions 2 rows, so decisions crosses 5
    found = validate(read_dataset(write_set(tmp_path / "s"), ReadLimits(max_rows=5)))
    assert [str(p) for p in found.problems if p.file == "decisions.csv"] == [
        "decisions.csv: 6 rader hittills; en import får innehålla högst 5 rader (inställningen "
        "TIMBALANS_IMPORT_MAX_ROWS). Resten av filerna lästes inte."
    ]
    assert sorted(found.files) == ["accounts", "cases"]


def test_it_counts_a_parquet_files_rows_before_reading_it(tmp_path):
    d = tmp_path / "s"
    d.mkdir()
    pl.DataFrame({"case_id": ["51470"] * 7, "employee_id": ["E1"] * 7}).write_parquet(
        d / "worked.parquet"
    )
    assert problems(d, ReadLimits(max_rows=6)) == [
        "worked.parquet: 7 rader hittills; en import får innehålla högst 6 rader "
        "(inställningen TIMBALANS_IMPORT_MAX_ROWS). Resten av filerna lästes inte."
    ]


def test_it_refuses_a_zip_whose_directory_understates_a_member(tmp_path):
    archive = zip_of(tmp_path / "set.zip", base_members(worked=W_HEAD + W_ROW * 1000))
    data = bytearray(archive.read_bytes())
    # the local header and the directory entry of worked.csv both claim 100 bytes
    name = b"worked.csv"
    for start in _headers(data, b"PK\x03\x04", name, name_offset=30):
        struct.pack_into("<I", data, start + 22, 100)
    for start in _headers(data, b"PK\x01\x02", name, name_offset=46):
        struct.pack_into("<I", data, start + 24, 100)
    archive.write_bytes(bytes(data))
    assert problems(archive) == [
        "worked.csv: filen i zip-filen stämmer inte med zip-filens innehållsförteckning "
        "(storlek eller kontrollsumma); förväntat en oskadad zip-fil."
    ]


def _headers(data: bytearray, signature: bytes, name: bytes, name_offset: int) -> list[int]:
    """Offsets of the zip headers with this signature whose file name is ``name``."""
    found, start = [], data.find(signature)
    while start >= 0:
        if data[start + name_offset : start + name_offset + len(name)] == name:
            found.append(start)
        start = data.find(signature, start + 1)
    return found


def test_a_zip_next_to_other_files_or_inside_a_zip_is_named(tmp_path):
    d = write_set(tmp_path / "s")
    zip_of(d / "export.zip", {"worked.csv": (W_HEAD + W_ROW).encode()})
    expected = (
        "export.zip: en .zip-fil läses bara när den anges eller laddas upp ensam, inte i en "
        "mapp, bredvid andra filer eller inuti en annan .zip; förväntat antingen en enda .zip "
        "eller tabellfilerna var för sig."
    )
    assert problems(d) == [expected]
    outer = zip_of(tmp_path / "outer.zip", {"export.zip": (d / "export.zip").read_bytes()})
    assert problems(outer) == [expected]


# ---------------------------------------------------------------- encodings


def test_a_utf8_file_with_one_stray_windows_1252_byte_is_refused_at_its_line(tmp_path):
    d = write_set(tmp_path / "s")
    text = "anstnr;namn;enhet\nE1;Åsa Öberg;81515\n".encode() + b"E2;Bo Bj\xf6rk;81516\n"
    (d / "employees.csv").write_bytes(text)
    assert problems(d, file="employees.csv") == [
        "employees.csv, rad 3: filen blandar teckenkodningar: den är UTF-8, men här finns ett "
        "tecken (byte 0xF6) som inte är UTF-8; förväntat hela filen i en teckenkodning (spara "
        "den på nytt som UTF-8)."
    ]


def test_a_windows_1252_file_is_still_read_whole(tmp_path):
    d = write_set(tmp_path / "s")
    text = "anstnr;namn;enhet\nE1;Åsa Öberg;81515\nE2;Bo Björk;81516\n"
    (d / "employees.csv").write_bytes(text.encode("cp1252"))
    ds = validate(read_dataset(d))
    assert ds.problems == []
    assert ds.frames["employees"].get_column("name").to_list() == ["Åsa Öberg", "Bo Björk"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_refused_with_what_to_do(tmp_path, encoding):
    d = write_set(tmp_path / "s")
    (d / "employees.csv").write_bytes(BASE["employees"].encode(encoding))
    assert problems(d, file="employees.csv") == [
        "employees.csv: filen är sparad som UTF-16 (Unicode-text); förväntat UTF-8 eller "
        'Windows-1252. Spara den som "CSV UTF-8" i stället.'
    ]


# ---------------------------------------------------------------- rows of a CSV


def test_a_ragged_row_is_named_in_swedish_with_its_number(tmp_path):
    worked = W_HEAD + W_ROW + W_ROW.replace("ordinary\n", "ordinary;extra\n") + W_ROW
    assert problems(write_set(tmp_path / "s", worked=worked), file="worked.csv") == [
        "worked.csv, rad 3: raden har 7 fält men rubrikraden har 6; förväntat samma antal fält "
        "på varje rad (kontrollera avgränsaren och citattecknen i raden)."
    ]


def test_a_lone_carriage_return_in_the_header_is_a_problem_not_a_crash(tmp_path):
    # Found by the corrupt-files property test: a file that starts with a lone CR has an
    # empty first line, and its first data row then has more fields than that header.
    d = write_set(tmp_path / "s")
    (d / "worked.csv").write_bytes(b"\r51470;E1;2025-01-10 07:00;2025-01-10 16:00;0;x\n")
    assert problems(d, file="worked.csv") == [
        "worked.csv, rad 2: raden har 6 fält men rubrikraden har 0; förväntat samma antal fält "
        "på varje rad (kontrollera avgränsaren och citattecknen i raden)."
    ]


def test_a_windows_1252_file_with_a_ragged_row_is_named_too(tmp_path):
    d = write_set(tmp_path / "s")
    text = "anstnr;namn;enhet\nE1;Åsa;81515;x\nE2;Bo;81516\n"
    (d / "employees.csv").write_bytes(text.encode("cp1252"))
    assert problems(d, file="employees.csv") == [
        "employees.csv, rad 2: raden har 4 fält men rubrikraden har 3; förväntat samma antal "
        "fält på varje rad (kontrollera avgränsaren och citattecknen i raden)."
    ]


def test_an_open_quote_is_named_at_its_row(tmp_path):
    ledger = (
        "month;cost_center;case_id;account;amount;text\n"
        "2025-01;81515;51470;3010;-100;a\n"
        '2025-01;81515;51470;3010;-100;"lön\n'
    )
    assert problems(write_set(tmp_path / "s", ledger=ledger)) == [
        'ledger.csv, rad 3: raden går inte att läsa som CSV: ett citattecken (") öppnas men '
        'stängs inte; förväntat citattecken runt hela fält, och "" för ett citattecken inuti '
        "ett fält."
    ]


# ---------------------------------------------------------------- sheets of a workbook


def _workbook(path, sheets):
    wb = xlsxwriter.Workbook(str(path))
    for title, rows in sheets.items():
        ws = wb.add_worksheet(title)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    wb.close()


def test_an_xlsx_whose_first_sheet_is_about_the_export_is_read_from_its_table(tmp_path):
    d = write_set(tmp_path / "s", employees=None)
    _workbook(
        d / "employees.xlsx",
        {
            "Info": [["Export från Personec"], ["Skapad 2025-02-01"]],
            "Medarbetare": [
                ["anstnr", "namn", "enhet"],
                ["E1", "Anna", "81515"],
                ["E2", "Bo", 81516],
            ],
        },
    )
    ds = validate(read_dataset(d))
    assert ds.problems == []
    assert ds.frames["employees"].get_column("employee_id").to_list() == ["E1", "E2"]


def test_an_xlsx_without_the_tables_columns_names_its_sheets(tmp_path):
    d = write_set(tmp_path / "s", employees=None)
    _workbook(d / "employees.xlsx", {"Info": [["Export"]], "Blad2": [["a", "b"], [1, 2]]})
    assert problems(d, file="employees.xlsx") == [
        "employees.xlsx: ingen flik har tabellens obligatoriska kolumner (employee_id, unit_id) "
        'på första raden; flikarna i filen är: "Info", "Blad2".'
    ]


def test_an_xlsx_past_the_file_limit_is_refused_before_it_is_read(tmp_path):
    d = write_set(tmp_path / "s", employees=None)
    _workbook(d / "employees.xlsx", {"Blad1": [["employee_id", "name", "unit_id"]]})
    with zipfile.ZipFile(d / "employees.xlsx") as zf:
        size = sum(i.file_size for i in zf.infolist())
    assert problems(d, ReadLimits(max_file_bytes=size - 1), file="employees.xlsx") == [
        f"employees.xlsx: filen är {grouped(size)} byte stor (uppackad); en fil får vara högst "
        f"{grouped(size - 1)} byte (inställningen TIMBALANS_IMPORT_MAX_FILE_MB)."
    ]


def test_the_default_limits_pass_a_national_data_set():
    # docs/operations.md: 25.4 million rows, about 1.6 GB as CSV, shifts about 0.9 GB
    limits = ReadLimits()
    assert limits.max_rows >= 25_400_000
    assert limits.max_bytes >= 4 * 1600 * 1024 * 1024
    assert limits.max_file_bytes >= 4 * 900 * 1024 * 1024
    assert limits.max_ratio == 100
