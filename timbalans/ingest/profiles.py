"""Mapping profiles: a department's own CSV/XLSX export read as a canonical table.

A profile is a small TOML file (``*.profile.toml``; the format is documented in web/guide/import.md
and docs/design.md) that says which canonical table a file becomes, which source column (or
fixed value) gives each canonical column, the date, time and number formats, value maps, and
which file names it applies to. A profile may instead hold a ``[paxml]`` or ``[sie]`` section:
the options of those readers (``exchange_options.py``).

Guarantees:

* ``profile_parse`` validates a profile like data: every problem (bad TOML, an unknown key,
  table, column, format or value) is a ``Problem`` naming the profile file and its line;
  a profile with problems is never applied.
* ``profile_apply`` turns a source frame (every value a string, the file's own column names)
  into the raw string frame ``read.py`` gives for a canonical file (canonical column names,
  values as canonical text) plus ``_row``, the row number in the source file, so validation,
  replacement and undo apply unchanged and every later problem names the source file and row.
  A value that does not fit the profile (a format, an unmapped code) is a problem naming the
  data file, row and source column, and the profile's line.

No Django here.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from timbalans.ingest import messages as msg
from timbalans.ingest.exchange_options import PaxmlOptions, SieOptions, TimeCode
from timbalans.ingest.problems import Problem
from timbalans.ingest.schema import (
    ABSENCE_TYPES,
    ALIASES,
    TABLE_ALIASES,
    TABLES,
    TIME_TYPES,
    Column,
)

SUFFIX = ".profile.toml"
ROW = "_row"
TOP_KEYS = (
    "name",
    "description",
    "files",
    "table",
    "sheet",
    "formats",
    "columns",
    "values",
    "paxml",
    "sie",
)
FORMAT_KEYS = ("date", "time", "datetime", "month", "decimal", "break")
ENTRY_KEYS = ("column", "value", "date", "time", "format", "default")
DURATIONS = {
    "minutes": "minutes",
    "minuter": "minutes",
    "hh:mm": "hh:mm",
    "tt:mm": "hh:mm",
    "hours": "hours",
    "timmar": "hours",
}
DEFAULT_FORMATS = {
    "date": "ÅÅÅÅ-MM-DD",
    "time": "TT:MM",
    "datetime": "ÅÅÅÅ-MM-DD TT:MM",
    "month": "ÅÅÅÅ-MM",
    "decimal": "",
    "break": "minutes",
}
TIME_KINDS = ("timestamp", "date_or_timestamp")
_BAD = "\x00bad"  # the checks' columns
_OUT = "\x00"  # prefix of the canonical columns while the source's own are beside them


# ---------------------------------------------------------------- the profile


@dataclass(frozen=True)
class Entry:
    """Where one canonical column comes from."""

    column: str  # canonical
    line: int
    source: str | None = None  # a source column
    value: str | None = None  # a fixed value
    date: str | None = None  # a date column, with ``time`` a time column
    time: str | None = None
    format: str | None = None  # overrides the profile's format for this column
    default: str | None = None  # for an empty cell

    @property
    def sources(self) -> list[str]:
        return [s for s in (self.source, self.date, self.time) if s]


@dataclass(frozen=True)
class ValueMap:
    column: str  # canonical
    line: int
    values: Mapping[str, str | None]  # lower-case source value -> canonical text, None = skip
    codes: tuple[str, ...] = ()  # the source values as the profile writes them


@dataclass(frozen=True)
class Profile:
    """A parsed, valid profile. ``source`` names it in messages (its file name, or the saved
    profile's name and version); ``version`` is the saved version it came from, if any."""

    name: str
    source: str
    sha256: str
    text: str
    patterns: tuple[str, ...] = ()
    table: str | None = None
    sheet: str | None = None
    formats: Mapping[str, str] = field(default_factory=dict)
    entries: Mapping[str, Entry] = field(default_factory=dict)
    maps: Mapping[str, ValueMap] = field(default_factory=dict)
    paxml: PaxmlOptions | None = None
    sie: SieOptions | None = None
    lines: Mapping[tuple[str, ...], int] = field(default_factory=dict)
    version: int | None = None

    def line(self, *path: str) -> int:
        return _line(self.lines, path)

    def matches(self, file_name: str) -> bool:
        name = PurePosixPath(file_name).name.lower()
        return any(fnmatch.fnmatchcase(name, p.lower()) for p in self.patterns)

    def format_of(self, entry: Entry, key: str) -> str:
        return entry.format or self.formats.get(key) or DEFAULT_FORMATS[key]


def profile_parse(
    text: str, *, source: str, version: int | None = None
) -> tuple[Profile | None, list[Problem]]:
    """The profile in ``text`` (named ``source`` in messages), or None and its problems."""
    problems: list[Problem] = []
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        line = int(found.group(1)) if found else None
        return None, [Problem(source, line, None, msg.PROFILE_BAD_TOML.format(detail=detail))]
    lines = _key_lines(text)

    def problem(path: tuple[str, ...], message: str) -> None:
        problems.append(Problem(source, _line(lines, path), None, message))

    for key in doc:
        if key not in TOP_KEYS:
            problem((key,), msg.PROFILE_UNKNOWN_KEY.format(key=key, keys=", ".join(TOP_KEYS)))
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        problem(("name",), msg.PROFILE_NO_NAME)
        name = ""
    patterns = doc.get("files", [])
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        problem(("files",), msg.PROFILE_BAD_FILES)
        patterns = []
    sheet = doc.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problem(("sheet",), msg.PROFILE_NOT_TEXT.format(key="sheet"))
        sheet = None

    kinds = [k for k in ("table", "paxml", "sie") if k in doc]
    if len(kinds) != 1:
        problem(tuple(kinds[1:2]) or ("name",), msg.PROFILE_ONE_KIND)
    paxml = _paxml(doc["paxml"], problem) if "paxml" in doc else None
    sie = _sie(doc["sie"], problem) if "sie" in doc else None
    table: str | None = None
    formats: dict[str, str] = {}
    entries: dict[str, Entry] = {}
    maps: dict[str, ValueMap] = {}
    if "table" in doc:
        table = _table(doc["table"], problem)
        formats = _formats(doc.get("formats", {}), problem)
        if table is not None:
            entries = _entries(table, doc.get("columns"), lines, problem)
            maps = _maps(table, doc.get("values", {}), entries, lines, problem)
    else:
        for key in ("columns", "values", "formats"):
            if key in doc:
                problem((key,), msg.PROFILE_ONLY_WITH_TABLE.format(key=key))
    if problems:
        return None, sorted(problems, key=lambda p: (p.row or 0, p.message))
    return (
        Profile(
            name=str(name).strip(),
            source=source,
            sha256=sha,
            text=text,
            patterns=tuple(patterns),
            table=table,
            sheet=sheet,
            formats=formats,
            entries=entries,
            maps=maps,
            paxml=paxml,
            sie=sie,
            lines=lines,
            version=version,
        ),
        [],
    )


Report = Callable[[tuple[str, ...], str], None]  # problem(key path, message) of profile_parse


def _table(value: Any, problem: Report) -> str | None:
    key = str(value).strip().lower() if isinstance(value, str) else ""
    table = key if key in TABLES else TABLE_ALIASES.get(key)
    if table is None:
        problem(("table",), msg.PROFILE_UNKNOWN_TABLE.format(value=value, tables=", ".join(TABLES)))
    return table


def _formats(value: Any, problem: Report) -> dict[str, str]:
    if not isinstance(value, dict):
        problem(("formats",), msg.PROFILE_NOT_TABLE.format(key="formats"))
        return {}
    out: dict[str, str] = {}
    for key, fmt in value.items():
        path = ("formats", key)
        if key not in FORMAT_KEYS:
            problem(path, msg.PROFILE_UNKNOWN_KEY.format(key=key, keys=", ".join(FORMAT_KEYS)))
        elif not isinstance(fmt, str):
            problem(path, msg.PROFILE_NOT_TEXT.format(key=key))
        else:
            error = _format_error(key, fmt)
            if error:
                problem(path, error)
            else:
                out[key] = fmt
    return out


def _format_error(key: str, fmt: str) -> str | None:
    """Why ``fmt`` is not a valid format of kind ``key``, or None."""
    if key == "decimal":
        return None if fmt in (",", ".", "") else msg.PROFILE_BAD_DECIMAL.format(value=fmt)
    if key == "break":
        if fmt.lower() in DURATIONS:
            return None
        return msg.PROFILE_BAD_DURATION.format(value=fmt)
    try:
        _pattern(fmt, key)
    except ValueError as exc:
        return str(exc)
    return None


def _entries(
    table: str, value: Any, lines: Mapping[tuple[str, ...], int], problem: Report
) -> dict[str, Entry]:
    spec = TABLES[table]
    if not isinstance(value, dict):
        problem(("columns",), msg.PROFILE_NO_COLUMNS)
        return {}
    entries: dict[str, Entry] = {}
    named: set[str] = set()  # given, valid or not: a bad entry is reported once, as itself
    for key, item in value.items():
        path = ("columns", key)
        column = _canonical(table, key)
        if column is None:
            problem(
                path,
                msg.PROFILE_UNKNOWN_COLUMN.format(
                    column=key, table=table, columns=", ".join(spec.names)
                ),
            )
            continue
        if column in named:
            problem(path, msg.PROFILE_COLUMN_TWICE.format(column=column))
            continue
        named.add(column)
        entry = _entry(table, spec.column(column), item, _line(lines, path), path, problem)
        if entry is not None:
            entries[column] = entry
    for col in spec.columns:
        if col.required and col.name not in named:
            problem(("columns",), msg.PROFILE_REQUIRED_COLUMN.format(column=col.name))
    return entries


def _canonical(table: str, key: str) -> str | None:
    low = key.strip().lower()
    column = low if low in TABLES[table].names else ALIASES.get(low)
    return column if column in TABLES[table].names else None


def _entry(
    table: str, col: Column, item: Any, line: int, path: tuple[str, ...], problem: Report
) -> Entry | None:
    if isinstance(item, str):
        item = {"column": item}
    if not isinstance(item, dict):
        problem(path, msg.PROFILE_BAD_ENTRY.format(column=col.name))
        return None
    ok = True
    for key, v in item.items():
        if key not in ENTRY_KEYS:
            problem(path, msg.PROFILE_UNKNOWN_KEY.format(key=key, keys=", ".join(ENTRY_KEYS)))
            ok = False
        elif not isinstance(v, str | int | float) or isinstance(v, bool):
            problem(path, msg.PROFILE_NOT_TEXT.format(key=key))
            ok = False
    if not ok:
        return None
    text = {k: str(v) for k, v in item.items()}
    shape = {k for k in ("column", "value", "date", "time") if k in text}
    if shape & {"date", "time"} and col.kind not in TIME_KINDS:
        problem(path, msg.PROFILE_DATE_TIME_ONLY.format(column=col.name))
        return None
    # A date alone is whole days (an absence); a time alone is an end on the start's day.
    shapes = [{"column"}, {"value"}, {"date", "time"}]
    shapes += [{"date"}] if col.kind == "date_or_timestamp" else []
    shapes += [{"time"}] if col.name == "end" else []
    if shape not in shapes:
        problem(path, msg.PROFILE_BAD_ENTRY.format(column=col.name))
        return None
    if "format" in text:
        error = _entry_format_error(col, text)
        if error:
            problem(path, error)
            return None
    entry = Entry(
        column=col.name,
        line=line,
        source=text.get("column"),
        value=text.get("value"),
        date=text.get("date"),
        time=text.get("time"),
        format=text.get("format"),
        default=text.get("default"),
    )
    if entry.value is not None:
        error = _canonical_value_error(col, entry.value)
        if error:
            problem(path, error)
            return None
    return entry


def _entry_format_error(col: Column, given: Mapping[str, str]) -> str | None:
    """Why a column's own ``format`` does not suit it, or None: a duration for a number, a
    date or date and time for one column of dates or timestamps."""
    fmt = given["format"]
    if col.kind in ("decimal", "percent", "integer"):
        return None if fmt.lower() in DURATIONS else msg.PROFILE_BAD_DURATION.format(value=fmt)
    if col.kind in ("date", "month", *TIME_KINDS) and "date" not in given and "time" not in given:
        keys = {"date": ("date",), "month": ("month",), "timestamp": ("datetime",)}.get(
            col.kind, ("date", "datetime")
        )
        if any(_valid(fmt, k) for k in keys):
            return None
        return msg.PROFILE_BAD_FORMAT.format(value=fmt, key=keys[-1])
    return msg.PROFILE_FORMAT_NOT_HERE.format(column=col.name)


def _canonical_value_error(col: Column, value: str) -> str | None:
    """A fixed or mapped value must be a value the canonical column accepts."""
    if col.kind == "enum" and value.lower() not in {c.lower() for c in col.choices}:
        return msg.PROFILE_BAD_VALUE.format(
            value=value, column=col.name, choices=", ".join(col.choices)
        )
    return None


def _maps(
    table: str,
    value: Any,
    entries: dict[str, Entry],
    lines: Mapping[tuple[str, ...], int],
    problem: Report,
) -> dict[str, ValueMap]:
    if not isinstance(value, dict):
        problem(("values",), msg.PROFILE_NOT_TABLE.format(key="values"))
        return {}
    maps: dict[str, ValueMap] = {}
    for key, items in value.items():
        path = ("values", key)
        column = _canonical(table, key)
        if column is None:
            problem(
                path,
                msg.PROFILE_UNKNOWN_COLUMN.format(
                    column=key, table=table, columns=", ".join(TABLES[table].names)
                ),
            )
            continue
        if not isinstance(items, dict):
            problem(path, msg.PROFILE_NOT_TABLE.format(key=f"values.{key}"))
            continue
        entry = entries.get(column)
        if entry is None or entry.source is None:
            problem(path, msg.PROFILE_MAP_WITHOUT_COLUMN.format(column=column))
            continue
        col = TABLES[table].column(column)
        values: dict[str, str | None] = {}
        for code, target in items.items():
            code_path = (*path, code)
            low = code.strip().lower()
            if low in values:
                problem(code_path, msg.PROFILE_CODE_TWICE.format(code=code))
            elif target is False:
                values[low] = None
            elif isinstance(target, str | int | float) and not isinstance(target, bool):
                error = _canonical_value_error(col, str(target))
                if error:
                    problem(code_path, error)
                else:
                    values[low] = str(target)
            else:
                problem(code_path, msg.PROFILE_BAD_TARGET.format(code=code))
        maps[column] = ValueMap(
            column=column, line=_line(lines, path), values=values, codes=tuple(items)
        )
    return maps


def _paxml(value: Any, problem: Report) -> PaxmlOptions | None:
    if not isinstance(value, dict):
        problem(("paxml",), msg.PROFILE_NOT_TABLE.format(key="paxml"))
        return None
    keys = ("case_dim", "cost_center_dim", "time_codes", "employment_defaults")
    for key in value:
        if key not in keys:
            problem(("paxml", key), msg.PROFILE_UNKNOWN_KEY.format(key=key, keys=", ".join(keys)))
    codes: dict[str, TimeCode] = {}
    for key in ("time_codes", "employment_defaults"):
        if not isinstance(value.get(key, {}), dict):
            problem(("paxml", key), msg.PROFILE_NOT_TABLE.format(key=f"paxml.{key}"))
            value = {k: v for k, v in value.items() if k != key}
    for code, target in value.get("time_codes", {}).items():
        path = ("paxml", "time_codes", code)
        if target is False:
            codes[code.upper()] = TimeCode("skip")
        elif target in TIME_TYPES:
            codes[code.upper()] = TimeCode("worked", target)
        elif target in ABSENCE_TYPES:
            codes[code.upper()] = TimeCode("absences", target)
        else:
            choices = ", ".join((*TIME_TYPES, *ABSENCE_TYPES, "false"))
            problem(path, msg.PROFILE_BAD_TIME_CODE.format(code=code, choices=choices))
    employment = TABLES["employments"]
    defaults: dict[str, str] = {}
    for key, v in value.get("employment_defaults", {}).items():
        path = ("paxml", "employment_defaults", key)
        if key not in employment.names:
            problem(
                path,
                msg.PROFILE_UNKNOWN_COLUMN.format(
                    column=key, table="employments", columns=", ".join(employment.names)
                ),
            )
            continue
        error = _canonical_value_error(employment.column(key), str(v))
        if error:
            problem(path, error)
        else:
            defaults[key] = str(v)
    return PaxmlOptions(
        time_codes=codes,
        case_dim=str(value.get("case_dim", "6")),
        cost_center_dim=str(value.get("cost_center_dim", "1")),
        employment_defaults=defaults,
    )


def _sie(value: Any, problem: Report) -> SieOptions | None:
    if not isinstance(value, dict):
        problem(("sie",), msg.PROFILE_NOT_TABLE.format(key="sie"))
        return None
    keys = ("case_dim", "cost_center_dim")
    for key in value:
        if key not in keys:
            problem(("sie", key), msg.PROFILE_UNKNOWN_KEY.format(key=key, keys=", ".join(keys)))
    return SieOptions(
        case_dim=str(value.get("case_dim", "6")),
        cost_center_dim=str(value.get("cost_center_dim", "1")),
    )


# ---------------------------------------------------------------- line numbers

# tomllib gives no line numbers for keys: they are found by scanning the text, following its
# [table] headers, so that a problem names the line an administrator has to change.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER_RE = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEY_RE = re.compile(rf"^\s*({_DOTTED})\s*=")


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for part in re.findall(_KEY_PART, dotted):
        if part.startswith('"'):
            parts.append(json.loads(part))
        elif part.startswith("'"):
            parts.append(part[1:-1])
        else:
            parts.append(part)
    return tuple(parts)


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = line.count('"""') + line.count("'''")
        if in_multiline:
            in_multiline = quotes % 2 == 0
            continue
        header = _HEADER_RE.match(line)
        if header:
            table = _split_key(header.group(1))
            lines.setdefault(table, number)
            continue
        key = _KEY_RE.match(line)
        if key:
            lines.setdefault((*table, *_split_key(key.group(1))), number)
        in_multiline = quotes % 2 == 1
    return lines


def _line(lines: Mapping[tuple[str, ...], int], path: Sequence[str]) -> int:
    """The line of ``path``, else of its nearest enclosing key, else 1."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1


# ---------------------------------------------------------------- formats

_TOKENS = (
    ("ÅÅÅÅ", "year"),
    ("YYYY", "year"),
    ("ÅÅ", "year2"),
    ("YY", "year2"),
    ("MM", "mm"),
    ("DD", "day"),
    ("TT", "hour"),
    ("HH", "hour"),
    ("SS", "second"),
)
_GROUPS = {
    "year": r"(?P<year>\d{4})",
    "year2": r"(?P<year2>\d{2})",
    "month": r"(?P<month>\d{1,2})",
    "day": r"(?P<day>\d{1,2})",
    "hour": r"(?P<hour>\d{1,2})",
    "minute": r"(?P<minute>\d{2})",
    "second": r"(?P<second>\d{2})",
}
_NEEDS = {
    "date": ({"year", "year2"}, {"month"}, {"day"}),
    "month": ({"year", "year2"}, {"month"}),
    "time": ({"hour"}, {"minute"}),
    "datetime": ({"year", "year2"}, {"month"}, {"day"}, {"hour"}, {"minute"}),
}
_EXAMPLE = {
    "year": "2025",
    "year2": "25",
    "month": "03",
    "day": "31",
    "hour": "07",
    "minute": "30",
    "second": "00",
}


def _pattern(fmt: str, key: str) -> tuple[str, str]:
    """(regex with named groups, example) of a format such as ``DD.MM.ÅÅÅÅ TT:MM``.

    ``MM`` is the month in a date and the minutes in a time; in a date and time it is the
    month before the hour and the minutes after it. Raises ValueError with the message.
    """
    regex, example = "", ""
    seen: list[str] = []
    i = 0
    upper = fmt.upper()
    while i < len(fmt):
        for token, group in _TOKENS:
            if upper.startswith(token, i):
                if group == "mm":
                    after_hour = "hour" in seen
                    group = "minute" if key == "time" or after_hour else "month"
                if group in seen or (group.startswith("year") and {"year", "year2"} & set(seen)):
                    raise ValueError(msg.PROFILE_BAD_FORMAT.format(value=fmt, key=key))
                seen.append(group)
                regex += _GROUPS[group]
                example += _EXAMPLE[group]
                i += len(token)
                break
        else:
            char = fmt[i]
            if char.isalnum():
                raise ValueError(msg.PROFILE_BAD_FORMAT.format(value=fmt, key=key))
            regex += re.escape(char) if char != " " else r"\s+"
            example += char
            i += 1
    for needed in _NEEDS[key]:
        if not needed & set(seen):
            raise ValueError(msg.PROFILE_BAD_FORMAT.format(value=fmt, key=key))
    return f"^{regex}$", example


def _pad(expr: pl.Expr) -> pl.Expr:
    return expr.str.zfill(2)


def _converted(v: pl.Expr, fmt: str, key: str) -> pl.Expr:
    """The value in canonical text, null where it does not fit ``fmt`` (or the canonical
    form itself: Excel gives date and time cells as ``2025-03-31 07:30:00``)."""
    regex, _ = _pattern(fmt, key)
    groups = v.str.extract_groups(regex)
    names = re.findall(r"\?P<(\w+)>", regex)

    def part(name: str) -> pl.Expr:
        return groups.struct.field(name) if name in names else pl.lit(None, pl.String)

    year = part("year") if "year" in names else pl.concat_str([pl.lit("20"), part("year2")])
    date = pl.concat_str([year, pl.lit("-"), _pad(part("month")), pl.lit("-"), _pad(part("day"))])
    clock = pl.concat_str([_pad(part("hour")), pl.lit(":"), part("minute")])
    iso_date = v.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$", 1)
    iso_ts = v.str.extract(r"^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$", 1)
    iso_clock = v.str.extract(r"^(?:\d{4}-\d{2}-\d{2}[ T])?(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?$", 1)
    if key == "date":
        return pl.coalesce(date, iso_date)
    if key == "month":
        month = pl.concat_str([year, pl.lit("-"), _pad(part("month"))])
        return pl.coalesce(
            month, v.str.extract(r"^(\d{4}-\d{2})(?:-01(?:[ T]00:00(?::00)?)?)?$", 1)
        )
    if key == "time":
        return pl.coalesce(clock, iso_clock)
    return pl.coalesce(pl.concat_str([date, pl.lit(" "), clock]), iso_ts.str.replace("T", " "))


def _number(v: pl.Expr, decimal: str) -> pl.Expr:
    """Numbers as the canonical reader reads them: a declared decimal sign drops the other
    sign as a thousands separator (``1.234,50`` with ``,``)."""
    if decimal == ",":
        return v.str.replace_all(r"[.\s\u00a0]", "")
    if decimal == ".":
        return v.str.replace_all(r"[,\s\u00a0]", "")
    return v


def _duration(v: pl.Expr, fmt: str, unit: str) -> pl.Expr:
    """A duration as a number of ``unit`` (minutes or hours) in text, null when it does not
    fit ``fmt`` (minutes, hh:mm or hours; decimal comma or point)."""
    kind = DURATIONS[fmt.lower()]
    if kind == "hh:mm":
        # Excel gives a time cell as 1899-12-31 00:30:00.
        found = v.str.extract_groups(
            r"^(?:\d{4}-\d{2}-\d{2} )?(?P<h>\d{1,3})[:.](?P<m>\d{2})(?::00)?$"
        )
        hours = found.struct.field("h").cast(pl.Float64)
        minutes = hours * 60 + found.struct.field("m").cast(pl.Float64)
    else:
        text = v.str.replace_all(r"[\s\u00a0]", "").str.replace(",", ".")
        number = text.cast(pl.Float64, strict=False)
        minutes = number if kind == "minutes" else number * 60
    value = minutes.round(0) if unit == "minutes" else minutes / 60
    return value.cast(pl.String).str.replace(r"\.0$", "")


# ---------------------------------------------------------------- applying


@dataclass
class Applied:
    """A source file read through a profile."""

    frame: pl.DataFrame | None  # canonical columns as text, and ``_row``
    problems: list[Problem]
    notes: list[str]
    unused: list[str]  # source columns the profile does not read


def profile_apply(profile: Profile, source: pl.DataFrame, file_name: str) -> Applied:
    """``source`` (the file's own columns, values as strings) as the profile's table."""
    assert profile.table is not None
    spec = TABLES[profile.table]
    problems: list[Problem] = []
    columns = [c.strip() for c in source.columns]
    source = source.rename(dict(zip(source.columns, columns, strict=True)))
    lower = {c.lower(): c for c in columns}

    def found(name: str, entry: Entry) -> str | None:
        real = lower.get(name.strip().lower())
        if real is None:
            problems.append(
                Problem(
                    profile.source,
                    entry.line,
                    None,
                    msg.PROFILE_SOURCE_MISSING.format(
                        column=name, file=file_name, columns=", ".join(columns)
                    ),
                )
            )
        return real

    used: set[str] = set()
    for entry in profile.entries.values():
        for name in entry.sources:
            real = found(name, entry)
            if real:
                used.add(real)
    if problems:
        return Applied(None, problems, [], [])

    frame = source.with_row_index(ROW, offset=2).with_columns(
        pl.col(ROW).cast(pl.Int64), *(pl.col(c).cast(pl.String).str.strip_chars() for c in columns)
    )
    exprs: list[pl.Expr] = []
    checks: list[Check] = []
    start = profile.entries.get("start")
    for entry in profile.entries.values():
        col = spec.column(entry.column)
        value, entry_checks = _entry_value(profile, col, entry, start, lower, frame)
        exprs.append(value.alias(_OUT + entry.column))
        checks.extend(entry_checks)
    # The checks are computed with the values, in one pass (each reads the same parsed text).
    # Lazy, so that a conversion shared by a value and its check (or by start and end on one
    # date column) is computed once.
    out = (
        frame.lazy()
        .with_columns(*exprs, *(bad.alias(f"{_BAD}{i}") for i, (_, bad, _, _) in enumerate(checks)))
        .collect()
    )

    # Value maps: an unmapped code is a problem; a code mapped to false skips the row.
    skip = pl.lit(False)
    notes: list[str] = []
    for vmap in profile.maps.values():
        entry = profile.entries[vmap.column]
        real = lower[entry.source.strip().lower()] if entry.source else vmap.column
        key = pl.col(real).str.to_lowercase()
        mapped = key.replace_strict(
            {k: v for k, v in vmap.values.items() if v is not None},
            default=None,
            return_dtype=pl.String,
        )
        skipped = key.is_in([k for k, v in vmap.values.items() if v is None])
        present = pl.col(real).is_not_null() & (pl.col(real) != "")
        out = out.with_columns(
            pl.when(present)
            .then(mapped)
            .otherwise(pl.col(_OUT + vmap.column))
            .alias(_OUT + vmap.column),
            (present & ~skipped & mapped.is_null()).alias("_unmapped"),
        )
        unmapped = out.filter(pl.col("_unmapped"))
        problems.extend(
            Problem(
                file_name,
                row,
                real,
                msg.PROFILE_UNMAPPED.format(
                    value=v,
                    source=profile.source,
                    line=vmap.line,
                    column=vmap.column,
                    choices=", ".join(vmap.codes),
                ),
            )
            for row, v in unmapped.select(ROW, real).iter_rows()
        )
        counts = out.filter(skipped).group_by(pl.col(real)).len().sort(real).iter_rows()
        notes.extend(
            msg.PROFILE_SKIPPED.format(
                file=file_name, rows=n, value=v, column=real, profile=profile.name
            )
            for v, n in counts
        )
        skip = skip | (present & skipped)

    reported: set[tuple[int, str]] = set()  # a source column read twice (start and end)
    for i, (real, _, fmt, line) in enumerate(checks):
        rows = out.filter(pl.col(f"{_BAD}{i}") & ~skip).select(ROW, pl.col(real))
        rows = rows.filter(~pl.col(ROW).is_in([r for r, c in reported if c == real]))
        reported.update((r, real) for r in rows.get_column(ROW))
        problems.extend(
            Problem(
                file_name,
                row,
                real,
                msg.PROFILE_VALUE_FORMAT.format(
                    value=v,
                    format=fmt,
                    source=profile.source,
                    line=line,
                    example=_example(fmt),
                ),
            )
            for row, v in rows.iter_rows()
        )
    # A row with a value that does not fit the profile is reported once, here, and left out
    # of what validation reads (the set is rejected either way).
    bad_rows = sorted({p.row for p in problems if p.row is not None})
    out = out.filter(~skip & ~pl.col(ROW).is_in(bad_rows)).select(
        ROW, *[pl.col(_OUT + c).alias(c) for c in spec.names if c in profile.entries]
    )
    unused = [c for c in columns if c not in used]
    return Applied(out, problems, notes, unused)


def _example(fmt: str) -> str:
    """A value that fits ``fmt`` (the first of ``A eller B``), for a message."""
    fmt = fmt.split(" eller ")[0]
    if fmt.lower() in DURATIONS:
        return {"minutes": "30", "hh:mm": "0:30", "hours": "0,5"}[DURATIONS[fmt.lower()]]
    for key in ("datetime", "date", "time", "month"):
        if _valid(fmt, key):
            return _pattern(fmt, key)[1]
    return fmt


def _by_value(frame: pl.DataFrame, column: str, conversion: pl.Expr) -> pl.Expr:
    """``conversion`` (of ``pl.col(column)``) computed once per distinct value: an export
    repeats its dates, times and breaks on every row, and the regular expressions that read
    them are the costly part."""
    distinct = frame.select(pl.col(column).unique().drop_nulls())
    mapped = distinct.select(pl.col(column), conversion.cast(pl.String).alias("value"))
    return pl.col(column).replace_strict(
        mapped.get_column(column), mapped.get_column("value"), default=None, return_dtype=pl.String
    )


def _time_keys(col: Column, fmt: str | None) -> tuple[str, ...]:
    """The kinds of format a single source column of ``col`` is read with."""
    if col.kind in ("date", "month"):
        return (col.kind,)
    if fmt is not None:
        return ("datetime",) if _valid(fmt, "datetime") else ("date",)
    # An absence is whole days or clock times: either form is read.
    return ("date", "datetime") if col.kind == "date_or_timestamp" else ("datetime",)


def _valid(fmt: str, key: str) -> bool:
    try:
        _pattern(fmt, key)
    except ValueError:
        return False
    return True


Check = tuple[str, pl.Expr, str, int]  # (source column, value is bad, format, profile line)


def _entry_value(
    profile: Profile,
    col: Column,
    entry: Entry,
    start: Entry | None,
    lower: Mapping[str, str],
    frame: pl.DataFrame,
) -> tuple[pl.Expr, list[Check]]:
    """(canonical text, checks) of one canonical column; a check finds the values that do
    not fit the profile's format."""
    checks: list[Check] = []

    def convert(name: str, keys: tuple[str, ...], fmt: str | None = None) -> pl.Expr:
        real = lower[name.strip().lower()]
        v = pl.col(real)
        present = v.is_not_null() & (v != "")
        formats = [fmt or profile.formats.get(k) or DEFAULT_FORMATS[k] for k in keys]
        value = _by_value(
            frame,
            real,
            pl.coalesce([_converted(v, f, k) for f, k in zip(formats, keys, strict=True)]),
        )
        checks.append((real, present & value.is_null(), " eller ".join(formats), entry.line))
        return pl.when(present).then(value)

    value: pl.Expr
    if entry.value is not None:
        value = pl.lit(entry.value)
    elif entry.date is not None or entry.time is not None:
        time = convert(entry.time, ("time",)) if entry.time else None
        date = convert(entry.date, ("date",)) if entry.date else None
        # An end on the start's date (or a time alone) that is not after the start ends the
        # next day: a night shift. The date is written out (the rule of data.md for an end
        # given as a time only), so the validator's fast pass reads it.
        on_start_date = (
            col.name == "end"
            and start is not None
            and start.date is not None
            and start.time is not None
            and (entry.date is None or start.date.strip().lower() == entry.date.strip().lower())
        )
        if time is None:
            assert date is not None
            value = date
        elif on_start_date:
            assert start is not None and start.date is not None and start.time is not None
            day = convert(start.date, ("date",))
            start_time = convert(start.time, ("time",))
            next_day = day.str.to_date("%Y-%m-%d", strict=False).dt.offset_by("1d")
            day = (
                pl.when(time <= start_time)
                .then(pl.coalesce(next_day.dt.strftime("%Y-%m-%d"), day))
                .otherwise(day)
            )
            value = pl.concat_str([day, pl.lit(" "), time])
        elif date is None:
            value = time  # a time of day alone: the canonical rule places it
        else:
            value = pl.concat_str([date, pl.lit(" "), time])
    else:
        assert entry.source is not None
        real = lower[entry.source.strip().lower()]
        v = pl.col(real)
        present = v.is_not_null() & (v != "")
        if col.kind in ("date", "month", *TIME_KINDS):
            value = convert(entry.source, _time_keys(col, entry.format), entry.format)
        elif col.name == "break_minutes" or (entry.format or "").lower() in DURATIONS:
            fmt = profile.format_of(entry, "break") if col.name == "break_minutes" else entry.format
            assert fmt is not None
            if DURATIONS[fmt.lower()] == "minutes" and col.name == "break_minutes":
                value = v
            else:
                unit = "minutes" if col.name == "break_minutes" else "hours"
                value = pl.when(present).then(_by_value(frame, real, _duration(v, fmt, unit)))
                checks.append((real, present & value.is_null(), fmt, entry.line))
        elif col.kind in ("decimal", "percent", "integer"):
            value = _number(v, profile.format_of(entry, "decimal"))
        else:
            value = v
    if entry.default is not None:
        value = (
            pl.when(value.is_null() | (value == "")).then(pl.lit(entry.default)).otherwise(value)
        )
    return value.cast(pl.String), checks


# ---------------------------------------------------------------- choosing profiles


@dataclass
class Profiles:
    """The profiles of one import: those given explicitly and those in the set itself."""

    given: list[Profile] = field(default_factory=list)
    found: list[Profile] = field(default_factory=list)

    @property
    def all(self) -> list[Profile]:
        return [*self.given, *self.found]


def profiles_collect(
    entries: Sequence[tuple[str, bytes]], given: Iterable[Profile], problems: list[Problem]
) -> tuple[list[tuple[str, bytes]], Profiles]:
    """The entries that are not profiles, and the profiles (given, and ``*.profile.toml``
    among the entries, which must each say which files they apply to)."""
    profiles = Profiles(given=list(given))
    rest: list[tuple[str, bytes]] = []
    for name, data in entries:
        if not name.lower().endswith(SUFFIX):
            rest.append((name, data))
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(name, None, None, msg.PROFILE_NOT_UTF8))
            continue
        profile, found = profile_parse(text, source=name)
        problems.extend(found)
        if profile is not None and not profile.patterns:
            problems.append(Problem(name, profile.line("files"), None, msg.PROFILE_NO_FILES))
        elif profile is not None:
            profiles.found.append(profile)
    return rest, profiles


def profile_for(
    name: str, profiles: Profiles, *, only_file: bool, problems: list[Problem]
) -> Profile | None:
    """The profile that reads file ``name``: the one whose pattern matches it, or a given
    profile when the set is this one file. Two that match are a problem."""
    matching = [p for p in profiles.all if p.matches(name)]
    if not matching and only_file and len(profiles.given) == 1:
        matching = list(profiles.given)
    if len(matching) > 1:
        problems.append(
            Problem(
                name,
                None,
                None,
                msg.PROFILE_TWO_MATCH.format(profiles=", ".join(p.source for p in matching)),
            )
        )
        return None
    return matching[0] if matching else None


def profile_options_for(
    name: str, profiles: Profiles | Sequence[Profile]
) -> PaxmlOptions | SieOptions | None:
    """The ``[paxml]`` or ``[sie]`` options of the profile whose pattern matches ``name``:
    what the PAXml and SIE readers take (None: the spec's default mapping)."""
    candidates = profiles.all if isinstance(profiles, Profiles) else list(profiles)
    for profile in candidates:
        if (profile.paxml or profile.sie) and profile.matches(name):
            return profile.paxml or profile.sie
    return None


def profile_from_file(path: Path | str) -> tuple[Profile | None, list[Problem]]:
    """A profile file given on the command line."""
    path = Path(path)
    if not path.is_file():
        return None, [Problem(path.name, None, None, msg.SOURCE_MISSING)]
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(path.name, None, None, msg.PROFILE_NOT_UTF8)]
    return profile_parse(text, source=path.name)
