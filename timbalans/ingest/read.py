"""Reading a canonical data set (a folder or a .zip) into raw string frames.

Guarantees: every file of a known table becomes one frame whose columns are the canonical
names (aliases resolved, case-insensitive) and whose values are all strings, with the file's
name, checksum and format kept; the file's encoding and delimiter are detected, never guessed
silently wrong. Problems are collected, not raised one at a time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import fastexcel
import polars as pl

from timbalans.ingest import messages as msg
from timbalans.ingest.exchange import PAXML, ExchangeRead, SourceMap, exchange_format, report_notes
from timbalans.ingest.exchange_options import PaxmlOptions, SieOptions
from timbalans.ingest.paxml import read_paxml
from timbalans.ingest.problems import Problem
from timbalans.ingest.profiles import Profile, profile_apply, profile_for, profiles_collect
from timbalans.ingest.schema import ALIASES, TABLE_ALIASES, TABLES
from timbalans.ingest.sie import read_sie

FORMATS = ("csv", "xlsx", "parquet")


@dataclass
class RawFile:
    table: str
    name: str  # file name as the user knows it
    format: str
    sha256: str
    frame: pl.DataFrame  # canonical column names, all String (parquet keeps its types)
    unknown_columns: list[str] = field(default_factory=list)
    released_rows: int | None = None  # set when the frame was let go after parsing
    source: SourceMap | None = None  # rows read from an exchange file (PAXml, SIE)
    profile: Profile | None = None  # the mapping profile the file was read with

    @property
    def rows(self) -> int:
        return self.frame.height if self.released_rows is None else self.released_rows

    def release(self) -> None:
        """Let the raw values go (they are parsed); the file keeps its name and row count."""
        self.released_rows = self.rows
        self.frame = self.frame.clear()


@dataclass
class RawDataset:
    files: dict[str, RawFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # harmless remarks (ignored files, columns)


def table_for_file(name: str) -> tuple[str | None, str | None]:
    """(table, format) for a file name, or (None, None) when it is not a table file."""
    path = PurePosixPath(name)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        return None, None
    stem = path.stem.lower()
    table = stem if stem in TABLES else TABLE_ALIASES.get(stem)
    return table, suffix


MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What one import may read; each bound is checked before the bytes are read or inflated
    in full (a zip's sizes from its directory, and again while inflating, since a directory
    can lie).

    The defaults pass a national data set: 25.4 million rows, about 1.6 GB as CSV with its
    largest file (shifts) about 0.9 GB; zipped exports inflate 20-50-fold (the generator's CSV
    about 9-fold). The settings ``TIMBALANS_IMPORT_MAX_*`` (docs/operations.md) set them.
    """

    max_files: int = 100  # files in a folder, members of a zip
    max_file_bytes: int = 4096 * MB  # one file, uncompressed
    max_bytes: int = 8192 * MB  # all files together, uncompressed
    max_ratio: float = 100.0  # a zip member inflates at most this many times
    max_rows: int = 50_000_000  # rows of all tables together


class _Refused(Exception):
    """A bound of ``ReadLimits`` (or a broken zip member): the source is not read further."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def size_text(size: int) -> str:
    """A size in Swedish: ``12 345 byte`` below a megabyte, ``1 234,5 MB`` from it."""
    if size < MB:
        return f"{size:,} byte".replace(",", " ")
    return f"{size / MB:,.1f} MB".replace(",", " ").replace(".", ",")


def _check_sizes(source: str, sizes: list[tuple[str, int]], limits: ReadLimits) -> None:
    """Refuse too many files, a file too big or too much in all, from the sizes alone."""
    if len(sizes) > limits.max_files:
        raise _Refused(
            Problem(
                source,
                None,
                None,
                msg.TOO_MANY_FILES.format(found=len(sizes), maximum=limits.max_files),
            )
        )
    for name, size in sizes:
        if size > limits.max_file_bytes:
            text = msg.FILE_TOO_BIG.format(
                size=size_text(size), maximum=size_text(limits.max_file_bytes)
            )
            raise _Refused(Problem(name, None, None, text))
    total = sum(size for _, size in sizes)
    if total > limits.max_bytes:
        text = msg.IMPORT_TOO_BIG.format(size=size_text(total), maximum=size_text(limits.max_bytes))
        raise _Refused(Problem(source, None, None, text))


def _zip_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in sorted(zf.infolist(), key=lambda i: i.filename)
        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
    ]


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its directory entry says (checked ahead)."""
    name = PurePosixPath(info.filename).name
    chunks: list[bytes] = []
    read = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(MB):
                read += len(chunk)
                if read > info.file_size:
                    raise _Refused(Problem(name, None, None, msg.ZIP_MEMBER_BAD))
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _Refused(Problem(name, None, None, msg.ZIP_MEMBER_BAD)) from exc
    except (NotImplementedError, RuntimeError) as exc:  # encrypted, or Deflate64 and the like
        raise _Refused(Problem(name, None, None, msg.ZIP_MEMBER_UNREADABLE)) from exc
    return b"".join(chunks)


def _entries(source: Path, limits: ReadLimits) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file in a folder or a .zip, sorted by name; the sizes are
    checked against ``limits`` before anything is read."""
    if source.is_dir():
        paths = [p for p in sorted(source.iterdir()) if p.is_file()]
        _check_sizes(source.name, [(p.name, p.stat().st_size) for p in paths], limits)
        return [(p.name, p.read_bytes()) for p in paths]
    if source.suffix.lower() == ".zip":
        with zipfile.ZipFile(source) as zf:
            members = _zip_members(zf)
            sizes = [(PurePosixPath(i.filename).name, i.file_size) for i in members]
            _check_sizes(source.name, sizes, limits)
            for info in members:
                # compress_size 0 with a size: a directory no honest zip writes
                if info.file_size > limits.max_ratio * info.compress_size:
                    ratio = info.file_size / max(info.compress_size, 1)
                    text = msg.ZIP_RATIO.format(
                        ratio=f"{ratio:,.0f}".replace(",", " "),
                        maximum=f"{limits.max_ratio:g}",
                    )
                    raise _Refused(Problem(PurePosixPath(info.filename).name, None, None, text))
            return [(PurePosixPath(i.filename).name, _inflate(zf, i)) for i in members]
    _check_sizes(source.name, [(source.name, source.stat().st_size)], limits)
    return [(source.name, source.read_bytes())]


def read_dataset(
    source: Path | str, limits: ReadLimits | None = None, *, profiles: Sequence[Profile] = ()
) -> RawDataset:
    """Read every table file of a folder, a .zip or a single table file, within ``limits``
    (default ``ReadLimits()``); ``profiles`` (given explicitly) read the files they match, or
    the single file."""
    source = Path(source)
    limits = limits or ReadLimits()
    dataset = RawDataset()
    if not source.exists():
        dataset.problems.append(Problem(str(source), None, None, msg.SOURCE_MISSING))
        return dataset
    try:
        entries = _entries(source, limits)
    except zipfile.BadZipFile:
        dataset.problems.append(Problem(source.name, None, None, msg.BAD_ZIP))
        return dataset
    except _Refused as refused:
        dataset.problems.append(refused.problem)
        return dataset
    # A .zip is read only as the source itself: inside a folder or another zip it would be
    # ignored silently (with a CSV uploaded next to it, the tables in it would be missing).
    nested = [name for name, _ in entries if PurePosixPath(name).suffix.lower() == ".zip"]
    if nested:
        dataset.problems.extend(Problem(name, None, None, msg.ZIP_NOT_ALONE) for name in nested)
        return dataset
    return read_entries(entries, profiles, limits=limits)


def read_entries(
    entries: list[tuple[str, bytes]],
    profiles: Sequence[Profile] = (),
    *,
    limits: ReadLimits | None = None,
) -> RawDataset:
    """Read named file contents (as uploaded through the web) into a raw data set."""
    dataset = RawDataset()
    limits = limits or ReadLimits()
    rows = 0
    # Mapping profiles (profiles.py): the given ones and the set's own *.profile.toml. A file
    # a table profile matches becomes the profile's table; a [paxml]/[sie] profile's options
    # are ``profile.paxml``/``profile.sie`` (or profiles.profile_options_for).
    entries, found = profiles_collect(entries, profiles, dataset.problems)
    for name, data in entries:
        profile = profile_for(name, found, only_file=len(entries) == 1, problems=dataset.problems)
        if profile is not None and profile.table is not None:
            _read_with_profile(profile, name, data, dataset, limits)
            rows = sum(f.rows for f in dataset.files.values())
            if _over_rows(name, rows, limits, dataset.problems):
                break
            continue
        table, fmt = table_for_file(name)
        if table is None or fmt is None:
            # Not named as a table: maybe an exchange file, recognised by its content.
            exchange = exchange_format(data)
            if exchange is None:
                dataset.notes.append(msg.FILE_IGNORED.format(file=name))
            else:
                paxml, sie = (profile.paxml, profile.sie) if profile else (None, None)
                _add_exchange(dataset, name, data, exchange, paxml=paxml, sie=sie)
                rows = sum(f.rows for f in dataset.files.values())
                if _over_rows(name, rows, limits, dataset.problems):
                    break
            continue
        if table in dataset.files:
            other = dataset.files[table]
            message = (
                msg.DUPLICATE_TABLE.format(other=other.name)
                if other.source is None
                else msg.EXCHANGE_DUPLICATE_TABLE.format(table=table, other=other.name)
            )
            dataset.problems.append(Problem(name, None, None, message))
            continue
        if _over_rows(name, rows + _parquet_rows(fmt, data), limits, dataset.problems):
            break
        raw = _read_file(table, name, fmt, data, dataset.problems, limits)
        if raw is not None:
            rows += raw.rows
            if _over_rows(name, rows, limits, dataset.problems):
                break
            dataset.files[table] = raw
            if raw.unknown_columns:
                dataset.notes.append(
                    msg.UNKNOWN_COLUMNS.format(file=name, columns=", ".join(raw.unknown_columns))
                )
    if not dataset.files and not dataset.problems:
        dataset.problems.append(Problem("", None, None, msg.NO_TABLES))
    return dataset


def _add_exchange(
    dataset: RawDataset,
    name: str,
    data: bytes,
    exchange: str,
    paxml: PaxmlOptions | None = None,
    sie: SieOptions | None = None,
) -> None:
    """Read a PAXml or SIE 4 file into canonical raw files (one per table it gives rows to).

    Strict about mixing: a table may come from one file only, so a PAXml file that gives
    worked rows and a worked.csv in the same set is an error naming both (rows are never
    merged silently across files: replacement is per file's months and units, and a row's
    line must name one file).
    """
    sha = hashlib.sha256(data).hexdigest()
    read: ExchangeRead = (
        read_paxml(name, data, paxml) if exchange == PAXML else read_sie(name, data, sie)
    )
    dataset.problems.extend(read.problems)
    dataset.notes.extend(report_notes(name, read))
    for table, (frame, source) in read.frames.items():
        if table in dataset.files:
            other = dataset.files[table].name
            dataset.problems.append(
                Problem(
                    name, None, None, msg.EXCHANGE_DUPLICATE_TABLE.format(table=table, other=other)
                )
            )
            continue
        dataset.files[table] = RawFile(table, name, exchange, sha, frame, source=source)


def _parquet_rows(fmt: str, data: bytes) -> int:
    """A Parquet file's rows from its footer, before its columns are inflated; 0 for the
    other formats (their rows are counted once read) and for a broken file (reported when
    read)."""
    if fmt != "parquet":
        return 0
    try:
        return int(pl.scan_parquet(io.BytesIO(data)).select(pl.len()).collect().item())
    except Exception:
        return 0


def _over_rows(name: str, rows: int, limits: ReadLimits, problems: list[Problem]) -> bool:
    if rows <= limits.max_rows:
        return False
    text = msg.TOO_MANY_ROWS.format(
        rows=f"{rows:,}".replace(",", " "), maximum=f"{limits.max_rows:,}".replace(",", " ")
    )
    problems.append(Problem(name, None, None, text))
    return True


def _read_with_profile(
    profile: Profile, name: str, data: bytes, dataset: RawDataset, limits: ReadLimits
) -> None:
    """A CSV or XLSX file read through its mapping profile into the profile's table."""
    table = profile.table
    assert table is not None
    fmt = PurePosixPath(name).suffix.lower().lstrip(".")
    if fmt not in ("csv", "txt", "xlsx"):
        problem = msg.PROFILE_WRONG_FORMAT.format(profile=profile.source)
        dataset.problems.append(Problem(name, None, None, problem))
        return
    if table in dataset.files:
        other = dataset.files[table].name
        dataset.problems.append(Problem(name, None, None, msg.DUPLICATE_TABLE.format(other=other)))
        return
    source = read_source(name, data, dataset.problems, sheet=profile.sheet, limits=limits)
    applied = profile_apply(profile, source, name) if source is not None else None
    if applied is None:
        return
    dataset.problems.extend(applied.problems)
    dataset.notes.extend(applied.notes)
    if applied.unused:
        columns = ", ".join(applied.unused)
        dataset.notes.append(msg.UNKNOWN_COLUMNS.format(file=name, columns=columns))
    if applied.frame is not None:
        sha = hashlib.sha256(data).hexdigest()
        dataset.files[table] = RawFile(table, name, fmt, sha, applied.frame, profile=profile)
        rows = applied.frame.height
        note = msg.PROFILE_READ.format(file=name, profile=profile.name, table=table, rows=rows)
        dataset.notes.append(note)


def read_source(
    name: str,
    data: bytes,
    problems: list[Problem],
    *,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
) -> pl.DataFrame | None:
    """A CSV or XLSX file as it is: its own column names, every value a string."""
    if PurePosixPath(name).suffix.lower() == ".xlsx":
        if not _xlsx_within(name, data, problems, limits or ReadLimits()):
            return None
        try:
            return pl.read_excel(io.BytesIO(data), sheet_name=sheet, infer_schema_length=0)
        except Exception:  # fastexcel raises its own types for any broken workbook
            problems.append(Problem(name, None, None, msg.BAD_XLSX))
            return None
    return _read_csv(name, data, problems)


BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A well-formed UTF-8 sequence of two to four bytes (RFC 3629). Windows-1252 text almost
# never holds one (it would take e.g. "Ã" followed by "¥"), so a file that holds one and is
# still not UTF-8 is UTF-8 with stray bytes of another encoding: refused, not decoded wholly
# as Windows-1252 (which would change every å, ä and ö written as UTF-8).
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def _cp1252(data: bytes) -> bytes | None:
    """Windows-1252 text as UTF-8 bytes, or None when it is not that either."""
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_file(
    table: str,
    name: str,
    fmt: str,
    data: bytes,
    problems: list[Problem],
    limits: ReadLimits | None = None,
) -> RawFile | None:
    sha = hashlib.sha256(data).hexdigest()
    frame: pl.DataFrame | None
    if fmt == "csv":
        frame = _read_csv(name, data, problems)
    elif fmt == "xlsx":
        frame = _read_xlsx(table, name, data, problems, limits or ReadLimits())
    else:
        try:
            frame = pl.read_parquet(io.BytesIO(data))
        except Exception:  # pyarrow/polars raise several types for a broken file
            problems.append(Problem(name, None, None, msg.BAD_PARQUET))
            return None
    if frame is None:
        return None
    renamed, unknown = _canonical_columns(table, name, frame.columns, problems)
    if renamed is None:
        return None
    frame = frame.rename(renamed).drop(unknown)
    return RawFile(table, name, fmt, sha, frame, unknown)


def _read_csv(name: str, data: bytes, problems: list[Problem]) -> pl.DataFrame | None:
    """UTF-8 (with or without BOM), else Windows-1252; else a problem naming the file.

    polars checks that the text is UTF-8 as it reads it (no second pass over the file in
    Python); only when it refuses the file is it tried as Windows-1252, and only when no
    part of it is UTF-8 (``UTF8_SEQUENCE``): a file of mixed bytes is refused at the line
    of its first byte that is not UTF-8. UTF-16 is refused (the spec's encodings are UTF-8
    and Windows-1252); a row polars cannot read is found again with Python's csv module,
    which tells its number.
    """
    if data.startswith(UTF16_BOMS) or b"\x00" in data[:2]:
        problems.append(Problem(name, None, None, msg.UTF16))
        return None
    if data.startswith(BOM):
        data = data[3:]
    try:
        return _parse_csv(name, data, problems)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, csv.Error):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            if UTF8_SEQUENCE.search(data):
                line = data.count(b"\n", 0, bad.start) + 1
                byte = f"0x{data[bad.start]:02X}"
                problems.append(Problem(name, line, None, msg.MIXED_ENCODING.format(byte=byte)))
                return None
        else:
            _csv_problems(name, data, problems)
            return None
    utf8 = _cp1252(data)
    if utf8 is None:
        problems.append(Problem(name, None, None, msg.BAD_ENCODING))
        return None
    try:
        return _parse_csv(name, utf8, problems)
    except (pl.exceptions.PolarsError, csv.Error):
        _csv_problems(name, utf8, problems)
        return None


def _separator(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") else ","


def _parse_csv(name: str, utf8: bytes, problems: list[Problem]) -> pl.DataFrame | None:
    """The CSV of UTF-8 bytes, every value a string; raises when polars cannot read it
    (UnicodeDecodeError or polars' own error when it is not UTF-8)."""
    newline = utf8.find(b"\n")
    header = (utf8 if newline < 0 else utf8[:newline]).decode("utf-8")
    if not header.strip():
        problems.append(Problem(name, 1, None, msg.NO_HEADER))
        return None
    separator = _separator(header)
    frame = pl.read_csv(utf8, separator=separator, infer_schema=False, truncate_ragged_lines=False)
    # A header cell may be quoted or padded; csv.reader tells the true header names.
    names = [n.strip() for n in next(csv.reader([header.rstrip("\r")], delimiter=separator))]
    seen: dict[str, str] = {}
    for n in names:
        if n.lower() in seen:
            problems.append(
                Problem(name, 1, n, msg.DUPLICATE_COLUMN.format(other=seen[n.lower()], column=n))
            )
            return None
        seen[n.lower()] = n
    if len(names) == frame.width:
        frame.columns = names
    return frame


def _csv_problems(name: str, utf8: bytes, problems: list[Problem]) -> None:
    """Why polars could not read a UTF-8 CSV, row by row, in Swedish: every row with more
    fields than the header, or the row where a quote is left open. (A row with fewer fields
    is read with the rest empty, as polars reads it.)"""
    text = utf8.decode("utf-8")
    header = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(header), strict=True)
    found: list[Problem] = []
    row = 0
    width = 0
    try:
        for row, fields in enumerate(reader, start=1):
            if row == 1:
                width = len(fields)
            elif len(fields) > width:
                message = msg.RAGGED_ROW.format(found=len(fields), expected=width)
                found.append(Problem(name, row, None, message))
    except csv.Error:
        found.append(Problem(name, row + 1, None, msg.CSV_QUOTE))
    problems.extend(found or [Problem(name, None, None, msg.CSV_UNREADABLE)])


def _read_xlsx(
    table: str, name: str, data: bytes, problems: list[Problem], limits: ReadLimits
) -> pl.DataFrame | None:
    """The sheet that holds the table: the first one, or else the first whose header row has
    every required column (an export often opens with a sheet about the export)."""
    if not _xlsx_within(name, data, problems, limits):
        return None
    try:
        reader = fastexcel.read_excel(data)
        sheets = list(reader.sheet_names)
        if not sheets:
            problems.append(Problem(name, None, None, msg.BAD_XLSX))
            return None
        sheet: str | None = sheets[0]
        required = [c.name for c in TABLES[table].columns if c.required]
        if len(sheets) > 1 and not _has_columns(table, _sheet_header(reader, sheets[0])):
            sheet = next(
                (s for s in sheets[1:] if _has_columns(table, _sheet_header(reader, s))), None
            )
            if sheet is None:
                text = msg.XLSX_NO_SHEET.format(
                    columns=", ".join(required), sheets=", ".join(f'"{s}"' for s in sheets)
                )
                problems.append(Problem(name, None, None, text))
                return None
        return pl.read_excel(io.BytesIO(data), sheet_name=sheet, infer_schema_length=0)
    except Exception:
        problems.append(Problem(name, None, None, msg.BAD_XLSX))
        return None


def _xlsx_within(name: str, data: bytes, problems: list[Problem], limits: ReadLimits) -> bool:
    """An .xlsx is a zip of XML: its inflated size is bounded like any file's (a broken
    workbook passes here and is reported when read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            size = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        return True
    if size > limits.max_file_bytes:
        text = msg.FILE_TOO_BIG.format(
            size=size_text(size), maximum=size_text(limits.max_file_bytes)
        )
        problems.append(Problem(name, None, None, text))
        return False
    return True


def _sheet_header(reader: fastexcel.ExcelReader, sheet: str) -> list[str]:
    return [str(c.name) for c in reader.load_sheet(sheet, n_rows=0).available_columns()]


def _has_columns(table: str, header: list[str]) -> bool:
    """Whether a header row names every required column of the table (aliases accepted)."""
    spec = TABLES[table]
    names = {key if key in spec.names else ALIASES.get(key) for key in map(_column_key, header)}
    return all(c.name in names for c in spec.columns if c.required)


def _column_key(original: str) -> str:
    return original.strip().lower().lstrip("\ufeff")


def _canonical_columns(
    table: str, name: str, columns: list[str], problems: list[Problem]
) -> tuple[dict[str, str] | None, list[str]]:
    spec = TABLES[table]
    wanted = set(spec.names)
    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    ok = True
    for original in columns:
        key = _column_key(original)
        canonical = key if key in wanted else ALIASES.get(key)
        if canonical is None or canonical not in wanted:
            unknown.append(original)
            continue
        if canonical in seen:
            problems.append(
                Problem(
                    name,
                    1,
                    original,
                    msg.DUPLICATE_COLUMN.format(other=seen[canonical], column=canonical),
                )
            )
            ok = False
            continue
        seen[canonical] = original
        renamed[original] = canonical
    for col in spec.columns:
        if col.required and col.name not in seen:
            problems.append(Problem(name, 1, col.name, msg.MISSING_COLUMN))
            ok = False
    return (renamed if ok else None), unknown
