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
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from timbalans.ingest import messages as msg
from timbalans.ingest.problems import Problem
from timbalans.ingest.profiles import Profile, profile_apply, profile_for, profiles_collect
from timbalans.ingest.schema import ALIASES, TABLES

# Swedish file names accepted beside the canonical English ones.
FILE_ALIASES = {
    "enheter": "units",
    "arenden": "cases",
    "ärenden": "cases",
    "beslut": "decisions",
    "medarbetare": "employees",
    "anstallningar": "employments",
    "anställningar": "employments",
    "schema": "shifts",
    "utfall": "worked",
    "franvaro": "absences",
    "frånvaro": "absences",
    "bokforing": "ledger",
    "bokföring": "ledger",
    "kontoplan": "accounts",
    "tidredovisning": "fk_reports",
}
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
    table = stem if stem in TABLES else FILE_ALIASES.get(stem)
    return table, suffix


def _entries(source: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file in a folder or a .zip, sorted by name."""
    if source.is_dir():
        return [(p.name, p.read_bytes()) for p in sorted(source.iterdir()) if p.is_file()]
    if source.suffix.lower() == ".zip":
        with zipfile.ZipFile(source) as zf:
            return [
                (PurePosixPath(info.filename).name, zf.read(info))
                for info in sorted(zf.infolist(), key=lambda i: i.filename)
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            ]
    return [(source.name, source.read_bytes())]


def read_dataset(source: Path | str, profiles: Sequence[Profile] = ()) -> RawDataset:
    """Read every table file of a folder, a .zip or a single table file; ``profiles`` (given
    explicitly) read the files they match, or the single file."""
    source = Path(source)
    dataset = RawDataset()
    if not source.exists():
        dataset.problems.append(Problem(str(source), None, None, msg.SOURCE_MISSING))
        return dataset
    try:
        entries = _entries(source)
    except zipfile.BadZipFile:
        dataset.problems.append(Problem(source.name, None, None, msg.BAD_ZIP))
        return dataset
    return read_entries(entries, profiles)


def read_entries(entries: list[tuple[str, bytes]], profiles: Sequence[Profile] = ()) -> RawDataset:
    """Read named file contents (as uploaded through the web) into a raw data set."""
    dataset = RawDataset()
    # Mapping profiles (profiles.py): the given ones and the set's own *.profile.toml. A file
    # a table profile matches becomes the profile's table; a [paxml]/[sie] profile's options
    # are ``profile.paxml``/``profile.sie`` (or profiles.profile_options_for).
    entries, found = profiles_collect(entries, profiles, dataset.problems)
    for name, data in entries:
        profile = profile_for(name, found, only_file=len(entries) == 1, problems=dataset.problems)
        if profile is not None and profile.table is not None:
            _read_with_profile(profile, name, data, dataset)
            continue
        table, fmt = table_for_file(name)
        if table is None or fmt is None:
            dataset.notes.append(msg.FILE_IGNORED.format(file=name))
            continue
        if table in dataset.files:
            other = dataset.files[table].name
            dataset.problems.append(
                Problem(name, None, None, msg.DUPLICATE_TABLE.format(other=other))
            )
            continue
        raw = _read_file(table, name, fmt, data, dataset.problems)
        if raw is not None:
            dataset.files[table] = raw
            if raw.unknown_columns:
                dataset.notes.append(
                    msg.UNKNOWN_COLUMNS.format(file=name, columns=", ".join(raw.unknown_columns))
                )
    if not dataset.files and not dataset.problems:
        dataset.problems.append(Problem("", None, None, msg.NO_TABLES))
    return dataset


def _read_with_profile(profile: Profile, name: str, data: bytes, dataset: RawDataset) -> None:
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
    source = read_source(name, data, dataset.problems, sheet=profile.sheet)
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
    name: str, data: bytes, problems: list[Problem], *, sheet: str | None = None
) -> pl.DataFrame | None:
    """A CSV or XLSX file as it is: its own column names, every value a string."""
    if PurePosixPath(name).suffix.lower() == ".xlsx":
        try:
            return pl.read_excel(io.BytesIO(data), sheet_name=sheet, infer_schema_length=0)
        except Exception:  # fastexcel raises its own types for any broken workbook
            problems.append(Problem(name, None, None, msg.BAD_XLSX))
            return None
    return _read_csv(name, data, problems)


BOM = b"\xef\xbb\xbf"


def _cp1252(data: bytes) -> bytes | None:
    """Windows-1252 text as UTF-8 bytes, or None when it is not that either."""
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        return None


def _read_file(
    table: str, name: str, fmt: str, data: bytes, problems: list[Problem]
) -> RawFile | None:
    sha = hashlib.sha256(data).hexdigest()
    frame: pl.DataFrame | None
    if fmt == "csv":
        frame = _read_csv(name, data, problems)
    elif fmt == "xlsx":
        try:
            frame = pl.read_excel(io.BytesIO(data), infer_schema_length=0)
        except Exception:  # fastexcel raises its own types for any broken workbook
            problems.append(Problem(name, None, None, msg.BAD_XLSX))
            return None
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
    Python); only when it refuses the file is it tried as Windows-1252.
    """
    if data.startswith(BOM):
        data = data[3:]
    try:
        return _parse_csv(name, data, problems)
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # not UTF-8: read it as Windows-1252 below
        else:
            problems.append(Problem(name, None, None, msg.BAD_CSV.format(detail=_csv_detail(exc))))
            return None
    utf8 = _cp1252(data)
    if utf8 is None:
        problems.append(Problem(name, None, None, msg.BAD_ENCODING))
        return None
    try:
        return _parse_csv(name, utf8, problems)
    except pl.exceptions.ComputeError as exc:
        problems.append(Problem(name, None, None, msg.BAD_CSV.format(detail=_csv_detail(exc))))
        return None


def _parse_csv(name: str, utf8: bytes, problems: list[Problem]) -> pl.DataFrame | None:
    """The CSV of UTF-8 bytes, every value a string; raises when polars cannot read it
    (UnicodeDecodeError or polars' own error when it is not UTF-8)."""
    newline = utf8.find(b"\n")
    header = (utf8 if newline < 0 else utf8[:newline]).decode("utf-8")
    if not header.strip():
        problems.append(Problem(name, 1, None, msg.NO_HEADER))
        return None
    separator = ";" if header.count(";") >= header.count(",") else ","
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


def _csv_detail(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]


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
        key = original.strip().lower().lstrip("\ufeff")
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
