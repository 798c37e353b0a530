"""Thousands of generated malformed rows and files thrown at the importer (issue 16).

Each malformed row is refused with a problem naming its row, each malformed file with a
problem naming the file; every problem's text is one of the importer's Swedish messages
(``timbalans.ingest.messages``), so no English text of polars or Python reaches the user; no
exception escapes; and an import of them through the command changes nothing in the database
(the tables' rows and a checksum of every value, replaced rows and batches included).

The runs are derandomized (the same inputs every run) and count what they tried; run with
``-s`` to see the counts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import string
import tempfile
import zipfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import BASE, write_set
from timbalans.ingest import messages as msg
from timbalans.ingest.read import read_dataset
from timbalans.ingest.schema import TABLES, Column
from timbalans.ingest.validate import DATE_RE, MONTH_RE, NO, TIME_RE, TS_RE, YES, validate
from timbalans.records import models as m

ROWS_PER_EXAMPLE = 500
VALUES_PER_EXAMPLE = 40  # wrong values drawn per example, combined into its rows
ROW_EXAMPLES = 24  # about 11,000 malformed rows (a rule between two rows takes two)
FILE_EXAMPLES = 60
DB_EXAMPLES = 15


# ---------------------------------------------------------------- Swedish messages only


def _template_pattern(template: str) -> str:
    parts = re.split(r"\{[a-z_]+\}", template)
    return "(?:.|\n)*".join(re.escape(p) for p in parts)


# A problem's text is one of the messages, with its fields filled in.
SWEDISH = re.compile(
    "|".join(
        f"(?:{_template_pattern(value)})"
        for name, value in sorted(vars(msg).items())
        if name.isupper() and isinstance(value, str)
    )
)
ENGLISH = re.compile(r"polars|Error|error|Schema|found more|could not|expected|invalid utf-8")


def assert_swedish(problems):
    for p in problems:
        assert SWEDISH.fullmatch(p.message), p.message
        # the value found is quoted; the rest of the text is ours
        assert not ENGLISH.search(re.sub(r'"[^"]*"', "", p.message)), p.message


# ---------------------------------------------------------------- malformed values

ALPHABET = string.ascii_letters + string.digits + " ;,\"'-:.%/\nåäöÅÄÖ€"
LETTERS = string.ascii_letters + " ;,\"'/\nåäöÅÄÖ€"  # no digit: never a number


def _no_match(pattern: str):
    return lambda t: t.strip() != "" and not re.fullmatch(pattern, t.strip())


def _grouped(x: float) -> str:
    return f"{x:.2f}"


def bad_values(table: str, col: Column) -> st.SearchStrategy[str]:
    """Values that are wrong for the column wherever they appear (never a valid one)."""
    options: list[st.SearchStrategy[str]] = []
    if col.required:
        options.append(st.just(""))
    kind = col.kind
    if kind in ("text", "account"):
        if col.max_length is not None:
            options.append(
                st.integers(col.max_length + 1, col.max_length + 300).map(lambda n: "x" * n)
            )
        if col.name in ("case_id", "employee_id") and col.max_length is None:
            # a reference to nothing stored nor in the set
            options.append(st.text(string.ascii_letters, min_size=1, max_size=12).map("Z".__add__))
        if kind == "account":
            options.append(st.sampled_from(["5099-5010", "900-100"]))
    elif kind == "enum":
        choices = {c.lower() for c in col.choices}
        options.append(
            st.text(ALPHABET, min_size=1, max_size=20).filter(
                lambda t: t.strip() != "" and t.strip().lower() not in choices
            )
        )
    elif kind == "date":
        options += [
            st.sampled_from(["2025-02-30", "0000-01-01", "1899-12-31", "31/12/2025", "igår"]),
            st.text(ALPHABET, min_size=1, max_size=20).filter(_no_match(DATE_RE)),
        ]
    elif kind in ("timestamp", "date_or_timestamp"):
        options += [
            st.sampled_from(
                ["2025-03-30 02:30", "1899-12-31 07:00", "2200-01-02 07:00", "2025-01-32 07:00"]
            ),
            st.text(ALPHABET, min_size=1, max_size=20).filter(
                lambda t: (
                    t.strip() != ""
                    and not re.fullmatch(TS_RE, t.strip())
                    and not re.fullmatch(DATE_RE, t.strip())
                    and not re.fullmatch(TIME_RE, t.strip())
                )
            ),
        ]
    elif kind in ("decimal", "percent", "integer"):
        assert col.maximum is not None and col.minimum is not None, (table, col.name)
        options += [
            st.text(LETTERS, min_size=1, max_size=20).filter(lambda t: t.strip() != ""),
            st.floats(col.maximum + 1, 1e300).map(_grouped),
            st.integers(10**16, 10**400).map(str),
            st.sampled_from(["inf", "NaN", "1e5", "1.234,50", "--1"]),
        ]
        if col.minimum > -1e12:
            options.append(st.floats(-1e12, col.minimum - 0.01).map(_grouped))
        if kind == "integer":
            options.append(st.sampled_from(["1.5", "2,5"]))
    elif kind == "month":
        options += [
            st.sampled_from(["2025-13", "0000-01", "1899-12", "2200-01"]),
            st.text(ALPHABET, min_size=1, max_size=12).filter(_no_match(MONTH_RE)),
        ]
    elif kind == "yesno":
        words = {w.lower() for w in (*YES, *NO)}
        options.append(
            st.text(ALPHABET, min_size=1, max_size=8).filter(
                lambda t: t.strip() != "" and t.strip().lower() not in words
            )
        )
    return st.one_of(options)


def valid_row(table: str, i: int) -> dict[str, str]:
    """A row that is valid on its own; row ``i`` has its own keys, day and interval."""
    day = str(date(2025, 1, 1) + timedelta(days=i))
    return {
        "units": {"unit_id": f"U{i}", "name": "Enhet", "cost_center": f"C{i}"},
        "cases": {
            "case_id": f"K{i}",
            "unit_id": "81515",
            "service": "assistans_sfb",
            "start_date": "2024-01-01",
        },
        "decisions": {
            "case_id": "51470",
            "payer": "FK",
            "hours_per_week": "100",
            "valid_from": day,
            "valid_to": day,
            "period_start": "2025-01-01",
            "period_months": "6",
            "hourly_rate": "400",
        },
        "employees": {"employee_id": f"N{i}", "name": "Namn", "unit_id": "81515"},
        "employments": {
            "employee_id": "E1",
            "form": "hourly",
            "hourly_wage": "180",
            "valid_from": day,
            "valid_to": day,
        },
        "shifts": {
            "shift_id": f"P{i}",
            "case_id": "51470",
            "employee_id": "E1",
            "start": f"{day} 07:00",
            "end": f"{day} 16:00",
            "break_minutes": "30",
            "kind": "assistance",
        },
        "worked": {
            "case_id": "51470",
            "employee_id": "E1",
            "start": f"{day} 07:00",
            "end": f"{day} 16:00",
            "break_minutes": "30",
            "time_type": "ordinary",
        },
        "absences": {
            "employee_id": "E1",
            "start": day,
            "end": day,
            "type": "sick",
            "extent_percent": "50",
            "hours": "4",
        },
        "ledger": {
            "month": day[:7],
            "cost_center": "81515",
            "case_id": "51470",
            "account": "3010",
            "amount": "100",
            "text": "t",
        },
        "accounts": {"account": str(4000 + i), "category": "other", "structural": "no"},
        "fk_reports": {"case_id": "51470", "month": day[:7], "reported_hours": "10"},
        "budget": {  # spec/data.md's optional budget table, where it is built
            "month": day[:7],
            "cost_center": "81515",
            "case_id": "51470",
            "category": "result",
            "amount": "100",
        },
    }[table]


TABLE_NAMES = sorted(TABLES)


@st.composite
def malformed_table(draw) -> tuple[str, list[dict[str, str]], list[int]]:
    """(table, rows, the file rows that are malformed): every row has one wrong value or
    breaks a rule between rows (worked and shifts: end before start, a copy of the valid row
    before it, the same employee at the same time in another case).

    Hypothesis draws the table and a few dozen wrong values; the rows combine them (drawing
    every row's value would spend most of the time generating)."""
    table = draw(st.sampled_from(TABLE_NAMES))
    spec = TABLES[table]
    breakable = [c for c in spec.columns if _can_break(table, c)]
    wrong = draw(
        st.lists(
            st.one_of([bad_values(table, c).map(lambda v, c=c: (c.name, v)) for c in breakable]),
            min_size=VALUES_PER_EXAMPLE,
            max_size=VALUES_PER_EXAMPLE,
        )
    )
    rnd = draw(st.randoms(use_true_random=False))
    rows: list[dict[str, str]] = []
    malformed: list[int] = []
    i = 0
    while len(rows) < ROWS_PER_EXAMPLE:
        row = valid_row(table, i)
        i += 1
        how = rnd.randrange(10)
        if table in ("worked", "shifts") and how >= 7 and len(rows) < ROWS_PER_EXAMPLE - 1:
            rows.append(row)  # a valid row, then a row that breaks a rule with it
            other = dict(row)
            if how == 7:
                other["end"], other["start"] = other["start"], other["end"]
            elif how == 9:  # E1 in two cases at once (an exact copy when how == 8)
                other["case_id"] = "51357"
                other["start"] = other["start"].replace("07:00", "12:00")
                other["end"] = other["end"].replace("16:00", "20:00")
                if table == "shifts":
                    other["shift_id"] += "b"
            rows.append(other)
            malformed.append(len(rows) + 1)  # file rows: the header is 1
            continue
        name, value = wrong[rnd.randrange(len(wrong))]
        row[name] = value
        rows.append(row)
        malformed.append(len(rows) + 1)
    return table, rows, malformed


def _can_break(table: str, col: Column) -> bool:
    if col.kind in ("text", "account"):
        return col.required or col.max_length is not None
    return True


def write_table(directory: Path, table: str, rows: list[dict[str, str]]) -> Path:
    names = list(TABLES[table].names)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(n, "") for n in names])
    d = write_set(directory)
    (d / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")
    return d


def test_ten_thousand_malformed_rows_are_each_refused_in_swedish():
    seen: Counter[str] = Counter()

    @settings(
        max_examples=ROW_EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(malformed_table())
    def check(generated):
        table, rows, malformed = generated
        with tempfile.TemporaryDirectory() as tmp:
            d = write_table(Path(tmp), table, rows)
            dataset = validate(read_dataset(d))
        named = {p.row for p in dataset.problems if p.file == f"{table}.csv"}
        assert set(malformed) <= named, sorted(set(malformed) - named)[:5]
        assert_swedish(dataset.problems)
        seen["rows"] += len(malformed)
        seen["refused"] += len(set(malformed) & named)
        seen[table] += len(malformed)

    check()
    print(f"\nmalformed rows tried: {seen['rows']}, refused: {seen['refused']}")
    assert seen["rows"] >= 10_000
    assert seen["refused"] == seen["rows"]


# ---------------------------------------------------------------- malformed files

FILE_KINDS = (
    "missing_column",
    "ragged",
    "open_quote",
    "utf16",
    "mixed",
    "undecodable",
    "empty",
    "xlsx",
    "parquet",
    "zip_cut",
    "zip_bomb",
    "zip_nested",
)


def _insert_line(text: str, position: int, line: str) -> str:
    lines = text.splitlines(keepends=True)
    at = 1 + position % len(lines)  # after the header
    return "".join([*lines[:at], line, *lines[at:]])


@st.composite
def malformed_source(draw, directory: Path) -> tuple[Path, str]:
    """(source, the file a problem must name): a set with one malformed file."""
    kind = draw(st.sampled_from(FILE_KINDS))
    table = draw(st.sampled_from(sorted(BASE)))
    text = BASE[table]
    position = draw(st.integers(0, 10))
    d = write_set(directory / "set")
    target = f"{table}.csv"
    if kind == "missing_column":
        required = [c.name for c in TABLES[table].columns if c.required]
        gone = draw(st.sampled_from(required))
        header, rest = text.split("\n", 1)
        header = ";".join("x_" + n if n == gone else n for n in header.split(";"))
        (d / target).write_text(header + "\n" + rest, encoding="utf-8")
    elif kind == "ragged":
        first = text.split("\n")[1]
        extra = draw(st.integers(1, 5))
        line = first + ";x" * extra + "\n"
        (d / target).write_text(_insert_line(text, position, line), encoding="utf-8")
    elif kind == "open_quote":
        first = text.split("\n")[1]
        (d / target).write_text(_insert_line(text, position, '"' + first + "\n"), encoding="utf-8")
    elif kind == "utf16":
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]))
        (d / target).write_bytes(text.encode(encoding))
    elif kind == "mixed":
        stray = bytes([draw(st.integers(0x80, 0xBF))])  # a lone continuation byte
        data = _insert_line(text, position, "").encode("utf-8") + "Åsa\n".encode()
        cut = 1 + position % (len(data) - 1)
        (d / target).write_bytes(data[:cut] + stray + data[cut:])
    elif kind == "undecodable":
        ascii_text = text.encode("ascii", "ignore")
        cut = 1 + position % (len(ascii_text) - 1)
        byte = bytes([draw(st.sampled_from([0x81, 0x8D, 0x8F, 0x90, 0x9D]))])
        (d / target).write_bytes(ascii_text[:cut] + byte + ascii_text[cut:])
    elif kind == "empty":
        (d / target).write_bytes(b"")
    elif kind in ("xlsx", "parquet"):
        (d / target).unlink()
        target = f"{table}.{kind}"
        (d / target).write_bytes(draw(st.binary(min_size=0, max_size=300)))
    else:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in sorted(BASE.items()):
                zf.writestr(f"{name}.csv", content)
            if kind == "zip_bomb":
                zf.writestr("shifts.csv", b"0" * 2_000_000)
            if kind == "zip_nested":
                zf.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)
        data = archive.getvalue()
        if kind == "zip_cut":
            data = data[: draw(st.integers(0, len(data) - 1))]
        source = directory / "set.zip"
        source.write_bytes(data)
        names = {"zip_cut": "set.zip", "zip_bomb": "shifts.csv", "zip_nested": "inner.zip"}
        return source, names[kind]
    return d, target


def test_malformed_files_are_each_refused_in_swedish(tmp_path_factory):
    seen: Counter[str] = Counter()

    @settings(
        max_examples=FILE_EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.data())
    def check(data):
        directory = tmp_path_factory.mktemp("file")
        source, target = data.draw(malformed_source(directory))
        dataset = validate(read_dataset(source))
        assert any(p.file == target for p in dataset.problems), (target, dataset.problems)
        assert_swedish(dataset.problems)
        seen["files"] += 1

    check()
    print(f"\nmalformed files tried: {seen['files']}, refused: {seen['files']}")
    assert seen["files"] == FILE_EXAMPLES


# ---------------------------------------------------------------- through the database


def database_checksum() -> tuple[dict[str, int], str]:
    """Rows per table and a SHA-256 of every value of every canonical table, replaced rows,
    batches and reference changes included."""
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    for model in (
        m.Unit,
        m.Case,
        m.Decision,
        m.Employee,
        m.Employment,
        m.Account,
        m.Shift,
        m.Worked,
        m.Absence,
        m.LedgerEntry,
        m.FkReport,
        m.ImportBatch,
        m.RecordChange,
    ):
        rows = sorted(repr(r) for r in model.objects.values_list())
        counts[model.__name__] = len(rows)
        digest.update("\n".join(rows).encode())
    return counts, digest.hexdigest()


@pytest.mark.django_db
def test_malformed_rows_and_files_imported_change_nothing_in_the_database(
    tmp_path_factory, dataset_dir, capsys
):
    call_command("import", str(dataset_dir), "--no-progress", stdout=io.StringIO())
    before = database_checksum()
    assert before[0]["Worked"] == 3
    seen: Counter[str] = Counter()

    @settings(
        max_examples=DB_EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.data())
    def check(data):
        directory = tmp_path_factory.mktemp("db")
        if data.draw(st.booleans()):
            table, rows, _ = data.draw(malformed_table())
            source = write_table(directory, table, rows)
        else:
            source, _ = data.draw(malformed_source(directory))
        with pytest.raises(CommandError) as exc:
            call_command(
                "import", str(source), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
            )
        assert re.fullmatch(_template_pattern(msg.REJECTED), str(exc.value))
        seen["tried"] += 1
        seen["half_writes"] += database_checksum() != before

    check()
    with capsys.disabled():
        print(
            f"\nimports of malformed sets tried: {seen['tried']}, refused: {seen['tried']}, "
            f"half-writes: {seen['half_writes']}"
        )
    assert seen["tried"] == DB_EXAMPLES
    assert seen["half_writes"] == 0
