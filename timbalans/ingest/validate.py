"""Validation of a raw data set into typed frames, vectorised over whole columns.

Guarantees:

* every value of every row is checked (type, allowed values, range), every row's intervals,
  and every reference to another table (in this set or already stored, given as ``Known``);
* every problem is reported with file, row (1 = header), column, the value found and what was
  expected; nothing stops at the first problem;
* when there is no problem, ``Dataset.frames`` holds one typed frame per table with the dtypes
  of ``schema.frame_schema`` plus ``_row`` (the row number in the file).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from timbalans.core.periods import superseded_decisions
from timbalans.ingest import messages as msg
from timbalans.ingest.accounts import account_categories
from timbalans.ingest.exchange import check_cost_centers, locate_problems
from timbalans.ingest.problems import Problem, sort_problems
from timbalans.ingest.read import RawDataset, RawFile
from timbalans.ingest.schema import (
    MONTHLY_FORMS,
    TABLE_ORDER,
    TABLES,
    TIMESTAMP,
    TZ,
    Column,
    frame_schema,
)

ROW = "_row"
ERR = "_err_"

DATE_RE = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
TS_RE = r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$"
TIME_RE = r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$"
NUMBER_RE = r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$"
INTEGER_RE = r"^[-+]?\d+(?:\.0*)?$"
MONTH_RE = r"^(\d{4}-(?:0[1-9]|1[0-2]))(?:-01(?:[ T]00:00(?::00)?)?)?$"
# The dates and times a value may hold: Python, both databases and the figures hold them, and
# a date end (inclusive) or a time of day after midnight still does one day later. A date
# column may run to 9999-12-31 (some systems write it for "until further notice").
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(9999, 12, 31)
# wall-clock bounds of a time of day (naive, as the file gives it)
TIME_MIN, TIME_MAX = pl.datetime(1900, 1, 1), pl.datetime(2200, 1, 1)
TIME_FIRST_DAY, TIME_LAST_DAY = "1900-01-01", "2199-12-31"  # as messages give them
MONTH_MIN, MONTH_MAX = "1900-01", "2199-12"
YES = ("yes", "ja", "true", "1", "y", "j")
NO = ("no", "nej", "false", "0", "n")


@dataclass
class Known:
    """What is already stored, for references: empty frames in file mode."""

    units: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"unit_id": pl.String, "cost_center": pl.String}
        )
    )
    cases: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"case_id": pl.String, "unit_id": pl.String})
    )
    employees: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"employee_id": pl.String, "unit_id": pl.String}
        )
    )
    employments: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={
                "employee_id": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "form": pl.String,
            }
        )
    )
    decisions: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={
                "case_id": pl.String,
                "payer": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
            }
        )
    )
    accounts: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"account": pl.String, "category": pl.String, "structural": pl.Boolean}
        )
    )
    # The stored shifts or worked rows an import's rows may overlap (``StoredTimeQuery``);
    # None in file mode, where nothing is stored.
    stored_time: Callable[[StoredTimeQuery], pl.DataFrame] | None = None


@dataclass(frozen=True)
class StoredTimeQuery:
    """Which stored rows of ``table`` (shifts or worked) the overlap check needs: those in
    force of ``employees`` that overlap ``first``..``last`` and that the import does not
    replace, which are those of ``months`` whose case is in ``units`` (as stored), except the
    cases in ``moved_out`` (the import moves them out of those units; the check drops what
    the import will replace once more with the units after it).

    The answer has the columns of ``STORED_TIME_SCHEMA``.
    """

    table: str
    employees: list[str]
    first: object  # datetime, Europe/Stockholm
    last: object
    months: list[str]
    units: list[str]
    moved_out: list[str]


STORED_TIME_SCHEMA: dict[str, pl.DataType] = {
    "employee_id": pl.String(),
    "case_id": pl.String(),
    "start": TIMESTAMP,
    "end": TIMESTAMP,
    "month": pl.String(),
    "batch": pl.Int64(),
}


@dataclass
class Dataset:
    files: dict[str, RawFile]
    frames: dict[str, pl.DataFrame]
    problems: list[Problem]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(f.height for f in self.frames.values())


def validate(raw: RawDataset, known: Known | None = None, *, release: bool = False) -> Dataset:
    """Parse and check every table of ``raw``; references may point to ``known`` rows.

    ``release``: let each file's raw values go once parsed (``RawFile.release``), so that a
    national data set is not held twice in memory.
    """
    known = known or Known()
    problems = list(raw.problems)
    frames: dict[str, pl.DataFrame] = {}
    for table in TABLE_ORDER:
        if table in raw.files:
            frames[table] = _parse_table(raw.files[table], problems)
            if release:
                raw.files[table].release()
    _time_overlaps(raw, frames, known, problems)
    _check_references(raw, frames, known, problems)
    notes = list(raw.notes)
    if "decisions" in frames:
        notes.extend(_supersession_notes(raw.files["decisions"].name, frames["decisions"], known))
    if "worked" in frames:
        _worked_without_employment(raw, frames, known, problems)
    # Exchange files (PAXml, SIE): their own check, then every problem at the file's line.
    check_cost_centers(
        raw.files.values(),
        frames.get("worked"),
        _known_frame("cases", ["case_id", "unit_id"], frames, known),
        _known_frame("units", ["unit_id", "cost_center"], frames, known),
        problems,
    )
    problems = locate_problems(raw.files.values(), problems)
    return Dataset(raw.files, frames, sort_problems(problems), notes)


def _known_frame(
    table: str, columns: list[str], frames: dict[str, pl.DataFrame], known: Known
) -> pl.DataFrame:
    """A reference table's columns: the stored rows, then this set's (which win)."""
    stored: pl.DataFrame = getattr(known, table).select(columns)
    if table not in frames:
        return stored
    return pl.concat([stored, frames[table].select(columns)])


# ---------------------------------------------------------------- values


def _as_string(frame: pl.DataFrame, name: str) -> pl.Expr:
    """The column as stripped strings; typed parquet columns are written the canonical way."""
    dtype = frame.schema[name]
    col = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone:
            col = col.dt.convert_time_zone(TZ).dt.replace_time_zone(None)
        return col.dt.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(dtype, pl.Date):
        return col.dt.strftime("%Y-%m-%d")
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("yes")).otherwise(pl.lit("no"))
    if dtype != pl.String:
        return col.cast(pl.String)
    return col.str.strip_chars()


def _number_text(v: pl.Expr) -> pl.Expr:
    return (
        v.str.replace_all(r"[\s\u00a0\u202f]", "")
        .str.replace("\u2212", "-")
        .str.replace("%", "")
        .str.replace(",", ".")
    )


def _fmt_number(x: float | None) -> str:
    """A bound in Swedish: ``168``, ``1 440``, ``-999 999 999 999,99``."""
    if x is None:
        return ""
    text = f"{int(x):,}" if x == int(x) else f"{x:,.2f}"
    return text.replace(",", " ").replace(".", ",")


SHOWN_CHARS = 60  # of a value quoted in a message; a longer value is cut, with "…"


def _shown(v: pl.Expr) -> pl.Expr:
    return (
        pl.when(v.str.len_chars() > SHOWN_CHARS)
        .then(pl.concat_str([v.str.slice(0, SHOWN_CHARS), pl.lit("…")]))
        .otherwise(v)
    )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _message(template: str, **values: pl.Expr) -> pl.Expr:
    """A message of ``messages.py`` with its placeholders filled per row by expressions."""
    parts: list[pl.Expr] = []
    pos = 0
    for found in _PLACEHOLDER.finditer(template):
        parts += [pl.lit(template[pos : found.start()]), values[found.group(1)]]
        pos = found.end()
    return pl.concat_str([*parts, pl.lit(template[pos:])])


def _value_msg(template: str, v: pl.Expr, **fixed: str) -> pl.Expr:
    """A message with the found value substituted, as a polars expression."""
    before, after = template.format(value="\x00", **fixed).split("\x00")
    return pl.concat_str([pl.lit(before), _shown(v), pl.lit(after)])


def _too_long(col: Column, v: pl.Expr) -> pl.Expr:
    """The message where a text is longer than its model field holds; else null."""
    assert col.max_length is not None
    before, middle, after = (
        msg.TEXT_TOO_LONG.format(value="\x00", length="\x00", maximum=col.max_length)
    ).split("\x00")
    length = v.str.len_chars()
    return pl.when(length > col.max_length).then(
        pl.concat_str(
            [pl.lit(before), _shown(v), pl.lit(middle), length.cast(pl.String), pl.lit(after)]
        )
    )


def _parse_column(col: Column, v: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(parsed value, error message or null) for one column of raw strings ``v``."""
    present = v.is_not_null() & (v != "")
    parsed: pl.Expr
    error: pl.Expr
    if col.kind in ("text", "account"):
        parsed = pl.when(present).then(v)
        error = pl.lit(None, pl.String) if col.max_length is None else _too_long(col, v)
        if col.kind == "account":
            first = v.str.extract(r"^(\d+)\s*-\s*(\d+)$", 1)
            last = v.str.extract(r"^(\d+)\s*-\s*(\d+)$", 2)
            bad = (
                first.is_not_null()
                & (first.str.len_chars() == last.str.len_chars())
                & (first > last)
            )
            error = pl.when(bad).then(_value_msg(msg.BAD_ACCOUNT_RANGE, v)).otherwise(error)
            parsed = pl.when(present).then(v.str.replace_all(r"\s", ""))
    elif col.kind == "enum":
        lookup = {c.lower(): c for c in col.choices}
        parsed = v.str.to_lowercase().replace_strict(lookup, default=None, return_dtype=pl.String)
        error = _value_msg(msg.BAD_CHOICE, v, choices=", ".join(col.choices))
    elif col.kind == "date":
        day = (
            pl.when(v.str.contains(DATE_RE))
            .then(v.str.slice(0, 10))
            .str.to_date("%Y-%m-%d", strict=False)
        )
        parsed = pl.when(day.is_between(DATE_MIN, DATE_MAX)).then(day)
        error = (
            pl.when(day.is_null())
            .then(_value_msg(msg.BAD_DATE, v))
            .otherwise(
                _value_msg(msg.OUT_OF_RANGE, v, minimum=str(DATE_MIN), maximum=str(DATE_MAX))
            )
        )
    elif col.kind == "month":
        month = v.str.extract(MONTH_RE, 1)
        parsed = pl.when(month.is_between(pl.lit(MONTH_MIN), pl.lit(MONTH_MAX))).then(month)
        error = (
            pl.when(month.is_null())
            .then(_value_msg(msg.BAD_MONTH, v))
            .otherwise(_value_msg(msg.OUT_OF_RANGE, v, minimum=MONTH_MIN, maximum=MONTH_MAX))
        )
    elif col.kind == "yesno":
        low = v.str.to_lowercase()
        parsed = pl.when(low.is_in(YES)).then(pl.lit(True)).when(low.is_in(NO)).then(pl.lit(False))
        error = _value_msg(msg.BAD_YESNO, v)
    elif col.kind in ("decimal", "percent", "integer"):
        text = _number_text(v)
        pattern = INTEGER_RE if col.kind == "integer" else NUMBER_RE
        number = pl.when(text.str.contains(pattern)).then(text).cast(pl.Float64, strict=False)
        # not strict: a number too big for Int64 is null here and out of range below
        parsed = number.round(0).cast(pl.Int64, strict=False) if col.kind == "integer" else number
        error = _value_msg(msg.BAD_INTEGER if col.kind == "integer" else msg.BAD_NUMBER, v)
        if col.minimum is not None or col.maximum is not None:
            too_low = number < col.minimum if col.minimum is not None else pl.lit(False)
            too_high = number > col.maximum if col.maximum is not None else pl.lit(False)
            if col.maximum is not None:
                range_msg = _value_msg(
                    msg.OUT_OF_RANGE,
                    v,
                    minimum=_fmt_number(col.minimum if col.minimum is not None else 0),
                    maximum=_fmt_number(col.maximum),
                )
            else:
                range_msg = _value_msg(msg.BELOW_MINIMUM, v, minimum=_fmt_number(col.minimum))
            error = pl.when(number.is_null()).then(error).when(too_low | too_high).then(range_msg)
            return pl.when(present).then(parsed), pl.when(present).then(error)
    else:  # timestamps are parsed per table (an end may be a time of day only)
        raise ValueError(col.kind)
    if col.kind not in ("text", "account"):  # their messages fire on a parsed value
        error = pl.when(present & parsed.is_null()).then(error)
    return pl.when(present).then(parsed), error


def _naive_timestamp(v: pl.Expr) -> pl.Expr:
    """'YYYY-MM-DD HH:MM[:SS]' -> naive Datetime, null when malformed."""
    date = v.str.extract(TS_RE, 1)
    hour = v.str.extract(TS_RE, 2).str.zfill(2)
    minute = v.str.extract(TS_RE, 3)
    second = v.str.extract(TS_RE, 4).fill_null("00")
    text = pl.concat_str([date, pl.lit(" "), hour, pl.lit(":"), minute, pl.lit(":"), second])
    return text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")


def _localize(naive: pl.Expr) -> pl.Expr:
    # An ambiguous wall time (the repeated hour in October) is read as its first occurrence.
    return naive.dt.replace_time_zone(TZ, ambiguous="earliest", non_existent="null")


# ---------------------------------------------------------------- tables


def _parse_table(raw: RawFile, problems: list[Problem], *, fast: bool = True) -> pl.DataFrame:
    """Typed frame of one file (``_row`` and the schema's columns); problems appended.

    Two passes with one result. The fast pass parses every column with the cheapest exact
    expression for values written the canonical way (``2025-03-31 07:00``, ``37.5``,
    ``ordinary``) or already typed (Parquet), and marks a row *suspect* when any value is not.
    The full rules (``_parse_column``, ``_parse_time_column``: aliases of formats, decimal
    commas, times without a date, every message) then run on the suspect rows only, and the
    rules between columns build messages only for the rows where they fire. Where the fast
    pass vouches for a value, the full rules give that same value and no problem (tested), so
    the result is what the full rules give on every row, at a fraction of the cost.
    ``fast=False`` runs the full rules on every row.
    """
    spec = TABLES[raw.table]
    schema = frame_schema(raw.table)
    # An exchange file's reader numbers its rows (its lines); a file read through a mapping
    # profile carries its source row numbers (rows it skipped leave gaps): problems name the
    # row in the file the user has.
    if raw.source is not None:
        frame = raw.frame.with_columns(pl.Series(ROW, raw.source.rows, dtype=pl.Int64))
    elif ROW in raw.frame.columns:
        frame = raw.frame
    else:
        frame = raw.frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    source = _source(frame, raw.table, typed=fast)
    if fast:
        values: list[pl.Expr] = []
        valid: list[pl.Expr] = []
        for col in spec.columns:
            value, ok = _fast_column(raw.table, col, source.schema[col.name])
            values.append(value.alias(_V + col.name))
            valid.append(ok)
        typed = (
            source.lazy()
            .with_columns(values)
            .select(
                ROW,
                *[_with_default(c, pl.col(_V + c.name)).alias(c.name) for c in spec.columns],
                *([_whole_days(source)] if raw.table == "absences" else []),
                (~pl.all_horizontal(valid)).alias(_SUSPECT),
            )
            .cast(schema)  # type: ignore[arg-type]
            .collect()
        )
        suspect = typed.get_column(ROW).filter(typed.get_column(_SUSPECT))
        typed = typed.drop(_SUSPECT)
    else:
        typed = source.select(ROW).with_columns(pl.lit(None, t).alias(n) for n, t in schema.items())
        suspect = typed.get_column(ROW)

    errors = pl.DataFrame(schema={ROW: pl.Int64, **{ERR + c.name: pl.String for c in spec.columns}})
    if suspect.len():
        slow = _parse_full(raw.table, _strings(source.filter(pl.col(ROW).is_in(suspect.implode()))))
        errors = slow.select(ROW, *errors.columns[1:])
        typed = (
            pl.concat(
                [typed.filter(~pl.col(ROW).is_in(suspect.implode())), slow.select(typed.columns)]
            ).sort(ROW)
            if suspect.len() < typed.height
            else slow.select(typed.columns)
        )

    # Rules between columns: conditions over every row, messages only where one fires.
    rules = _row_rules(raw.table)
    if rules or errors.height:
        both = pl.concat(
            [typed, source.select(pl.col(c).alias(_S + c) for c in spec.names)], how="horizontal"
        )
        if spec.key:
            both = both.with_columns(pl.col(ROW).min().over(list(spec.key)).alias(_FIRST))
        fires = (
            pl.any_horizontal([cond.fill_null(False) for _, cond, _ in rules]) if rules else None
        )
        candidates = both.filter(
            pl.col(ROW).is_in(errors.get_column(ROW).implode())
            if fires is None
            else fires | pl.col(ROW).is_in(errors.get_column(ROW).implode())
        )
        if candidates.height:
            candidates = candidates.with_columns(
                _as_string(candidates, _S + c).alias(_S + c) for c in spec.names
            ).join(errors, on=ROW, how="left")
            for column, cond, message in rules:
                candidates = candidates.with_columns(
                    pl.coalesce(pl.col(ERR + column), pl.when(cond).then(message)).alias(
                        ERR + column
                    )
                )
            _collect(raw, candidates.select(ROW, *errors.columns[1:]), problems)
    return typed.select(ROW, *schema.keys())


_SUSPECT = "_suspect"
_V = "_v_"
_S = "_s_"
_FIRST = "_first"
FAST_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
FAST_TS_RE = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"
FAST_MONTH_RE = r"^\d{4}-(?:0[1-9]|1[0-2])$"
FAST_TS_FORMAT = "%Y-%m-%d %H:%M"
# Kinds whose fast check (``_fast_column``) accepts no value with a space before or after it.
_ANCHORED_KINDS = (
    "enum",
    "date",
    "month",
    "decimal",
    "percent",
    "integer",
    "timestamp",
    "date_or_timestamp",
)


def _typed_fast(col: Column, dtype: pl.DataType) -> bool:
    """Whether a typed (Parquet) column of this dtype is parsed without going through text."""
    if col.kind == "timestamp":
        return isinstance(dtype, pl.Datetime)
    if col.kind == "date_or_timestamp":
        return isinstance(dtype, pl.Datetime) or dtype == pl.Date
    if col.kind == "date":
        return dtype == pl.Date
    if col.kind in ("decimal", "percent", "integer"):
        return dtype.is_integer() or dtype.is_float()
    return False


def _source(frame: pl.DataFrame, table: str, *, typed: bool) -> pl.DataFrame:
    """``_row`` and the table's columns: text stripped (absent = null), typed kept when fast."""
    # Stripping copies a column: only columns with a value to strip are (one scan to find
    # out, the same whitespace as ``strip_chars``). In the fast pass only free text needs
    # it: every other kind's fast check is anchored (``^...$``, a list of choices), so a
    # padded value is suspect there and the full rules strip it (``_strings``).
    text = [c.name for c in TABLES[table].columns if frame.schema.get(c.name) == pl.String]
    checked = [
        c.name
        for c in TABLES[table].columns
        if c.name in text and (not typed or c.kind not in _ANCHORED_KINDS)
    ]
    padded = (
        frame.select(
            # padded: stripping shortens it (cheaper than a regex for a space at either end)
            (pl.col(c).str.strip_chars().str.len_bytes() != pl.col(c).str.len_bytes()).any()
            for c in checked
        ).row(0)
        if checked and frame.height
        else [False] * len(checked)
    )
    needs_strip = {c for c, p in zip(checked, padded, strict=True) if p}
    exprs = []
    for col in TABLES[table].columns:
        if col.name not in frame.columns:
            exprs.append(pl.lit(None, pl.String).alias(col.name))
        elif (typed and _typed_fast(col, frame.schema[col.name])) or (
            col.name in text and col.name not in needs_strip
        ):  # as it is: typed, or text with nothing to strip (or checked by the fast pass)
            exprs.append(pl.col(col.name))
        else:
            exprs.append(_as_string(frame, col.name).alias(col.name))
    return frame.select(ROW, *exprs)


def _strings(source: pl.DataFrame) -> pl.DataFrame:
    """Every column as the stripped text the full rules read."""
    return source.select(
        pl.col(c) if c == ROW else _as_string(source, c).alias(c) for c in source.columns
    )


def _with_default(col: Column, value: pl.Expr) -> pl.Expr:
    return value.fill_null(pl.lit(col.default)) if col.default is not None else value


def _in_range(col: Column, number: pl.Expr) -> pl.Expr:
    ok = number.is_not_null()
    if col.minimum is not None:
        ok = ok & (number >= col.minimum)
    if col.maximum is not None:
        ok = ok & (number <= col.maximum)
    return ok


def _fast_column(table: str, col: Column, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """(value, ok): ``ok`` where the full rules give this same value and no problem.

    ``ok`` may read the value as the column ``_v_<name>`` (computed first, see the caller).
    """
    v = pl.col(col.name)
    typed = dtype != pl.String
    present = v.is_not_null() if typed else v.is_not_null() & (v != "")
    value: pl.Expr
    good: pl.Expr
    done = pl.col(_V + col.name)  # the value once computed: checks read it, not recompute it
    if typed and col.kind in ("timestamp", "date_or_timestamp", "date"):
        value, year_ok = _fast_typed_time(col, v, dtype)
        good = done.is_not_null() & year_ok
    elif typed:  # numbers
        if dtype.is_float():
            x = v.cast(pl.Float64)
            # Floats written in plain decimals by polars (the full rules read that text).
            plain = (x == 0) | ((x.abs() >= 1e-4) & (x.abs() < 1e15))
            good = x.is_finite() & plain & _in_range(col, x)
            if col.kind == "integer":
                good = good & (x == x.round(0))
                value = pl.when(good).then(x).cast(pl.Int64, strict=False)
            else:
                value = x
        else:
            x = v.cast(pl.Float64)
            good = _in_range(col, done) & (x.abs() < 2**53)
            value = v.cast(pl.Int64, strict=False) if col.kind == "integer" else x
    elif col.kind == "text":
        value = pl.when(present).then(v)
        good = pl.lit(True) if col.max_length is None else v.str.len_chars() <= col.max_length
    elif col.kind == "enum":
        value = pl.when(v.is_in(list(col.choices))).then(v)
        good = done.is_not_null()
    elif col.kind == "date":
        value = pl.when(v.str.contains(FAST_DATE_RE)).then(v).str.to_date("%Y-%m-%d", strict=False)
        good = done.is_between(DATE_MIN, DATE_MAX).fill_null(False)
    elif col.kind == "month":
        value = pl.when(v.str.contains(FAST_MONTH_RE)).then(v)
        good = done.is_between(pl.lit(MONTH_MIN), pl.lit(MONTH_MAX)).fill_null(False)
    elif col.kind in ("decimal", "percent", "integer"):
        pattern = INTEGER_RE if col.kind == "integer" else NUMBER_RE
        number = pl.when(v.str.contains(pattern)).then(v).cast(pl.Float64, strict=False)
        value = number.round(0).cast(pl.Int64, strict=False) if col.kind == "integer" else number
        good = _in_range(col, done)
    elif col.kind in ("timestamp", "date_or_timestamp"):
        naive = _fast_naive(v)
        if col.kind == "date_or_timestamp":
            day = (
                pl.when(v.str.contains(DATE_RE))
                .then(v.str.slice(0, 10))
                .str.to_date("%Y-%m-%d", strict=False)
                .cast(pl.Datetime("us"))
            )
            if col.name == "end":
                day = day.dt.offset_by("1d")
            naive = pl.coalesce(day, naive)
        value = _localize(naive)
        good = done.is_not_null() & _time_in_range(done)
    else:  # account, yesno: small tables, always the full rules
        value, good = pl.lit(None, pl.String), pl.lit(False)
    ok = pl.when(present).then(good).otherwise(pl.lit(not col.required))
    return pl.when(present).then(value), ok


def _fast_naive(v: pl.Expr) -> pl.Expr:
    """'YYYY-MM-DD HH:MM' exactly -> naive Datetime; anything else null."""
    return (
        pl.when(v.str.contains(FAST_TS_RE))
        .then(v)
        .str.to_datetime(FAST_TS_FORMAT, strict=False, time_unit="us")
    )


def _fast_typed_time(col: Column, v: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """A typed date or datetime read as the full rules read its canonical text: (value, the
    year has four digits)."""
    if isinstance(dtype, pl.Datetime):
        wall = v.dt.convert_time_zone(TZ) if dtype.time_zone else v
        wall = wall.dt.replace_time_zone(None).dt.truncate("1s").dt.cast_time_unit("us")
        year_ok = wall.is_between(TIME_MIN, TIME_MAX)
        if col.kind == "date_or_timestamp":
            # The text of a midnight is a date: an end date is inclusive.
            day = wall.dt.truncate("1d")
            naive = (
                pl.when(wall == day)
                .then(day.dt.offset_by("1d") if col.name == "end" else day)
                .otherwise(wall)
            )
        else:
            naive = wall
        return _localize(naive), year_ok & _time_in_range(_localize(naive)).fill_null(False)
    # pl.Date
    if col.kind == "date":
        return v, v.is_between(DATE_MIN, DATE_MAX)
    day = v.cast(pl.Datetime("us"))
    if col.name == "end":
        day = day.dt.offset_by("1d")
    return _localize(day), day.is_between(TIME_MIN, TIME_MAX)


def _time_in_range(local: pl.Expr) -> pl.Expr:
    """Whether a local time lies in TIME_MIN..TIME_MAX (its wall clock)."""
    return local.dt.replace_time_zone(None).is_between(TIME_MIN, TIME_MAX)


def _whole_days(source: pl.DataFrame) -> pl.Expr:
    return (
        _as_string(source, "start").str.contains(DATE_RE)
        & _as_string(source, "end").str.contains(DATE_RE)
    ).alias("whole_days")


def _parse_full(table: str, strings: pl.DataFrame) -> pl.DataFrame:
    """The full rules on text: ``_row``, the typed columns and the per-column messages."""
    spec = TABLES[table]
    parsed: dict[str, pl.Expr] = {}
    errors: dict[str, pl.Expr] = {}
    for col in spec.columns:
        v = pl.col(col.name)
        present = v.is_not_null() & (v != "")
        if col.kind not in ("timestamp", "date_or_timestamp"):
            value, error = _parse_column(col, v)
        else:
            value, error = _parse_time_column(table, col, strings)
        if col.required:
            error = pl.when(~present).then(pl.lit(msg.VALUE_MISSING)).otherwise(error)
        if col.default is not None:
            value = value.fill_null(pl.lit(col.default))
        parsed[col.name] = value
        errors[col.name] = error
    out = strings.with_columns(
        *[e.alias(ERR + n) for n, e in errors.items()],
        *[p.alias("_p_" + n) for n, p in parsed.items()],
    )
    if table == "absences":
        out = out.with_columns(_whole_days(strings).alias("_p_whole_days"))
    return out.select(
        ROW,
        *[pl.col("_p_" + n).alias(n) for n in frame_schema(table)],
        *[pl.col(ERR + n) for n in errors],
    ).cast(frame_schema(table))  # type: ignore[arg-type]


def _parse_time_column(table: str, col: Column, frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    v = pl.col(col.name)
    present = v.is_not_null() & (v != "")
    naive = _naive_timestamp(v)
    if col.kind == "date_or_timestamp":
        as_date = (
            pl.when(v.str.contains(DATE_RE))
            .then(v.str.slice(0, 10))
            .str.to_date("%Y-%m-%d", strict=False)
        )
        day = as_date.cast(pl.Datetime("us"))
        if col.name == "end":  # a date end is inclusive: the absence lasts to the next midnight
            day = day.dt.offset_by("1d")
        naive = pl.coalesce(day, naive)
        bad = msg.BAD_DATE_OR_TIMESTAMP
    elif col.name == "end":
        # An end given as a time of day only belongs to the start's day, or the next day
        # when it is not after the start (the shift crosses midnight).
        start_naive = _naive_timestamp(pl.col("start"))
        time_only = v.str.contains(TIME_RE)
        same_day = pl.concat_str([start_naive.dt.strftime("%Y-%m-%d"), pl.lit(" "), v.str.zfill(5)])
        on_start_day = _naive_timestamp(same_day)
        rolled = (
            pl.when(on_start_day <= start_naive)
            .then(on_start_day.dt.offset_by("1d"))
            .otherwise(on_start_day)
        )
        naive = pl.when(time_only).then(rolled).otherwise(naive)
        bad = msg.BAD_END_TIME
    else:
        bad = msg.BAD_TIMESTAMP
    local = _localize(naive)
    in_range = naive.is_between(TIME_MIN, TIME_MAX)
    error = (
        pl.when(present & naive.is_null())
        .then(_value_msg(bad, v))
        .when(present & ~in_range)
        .then(
            _value_msg(
                msg.OUT_OF_RANGE,
                v,
                minimum=TIME_FIRST_DAY,
                maximum=TIME_LAST_DAY,
            )
        )
        .when(present & local.is_null())
        .then(_value_msg(msg.NONEXISTENT_TIME, v))
    )
    return pl.when(present & in_range).then(local), error


Rule = tuple[str, pl.Expr, pl.Expr]  # (column, condition, message where it holds)


def _row_rules(table: str) -> list[Rule]:
    """Rules between columns of one row, in the order they apply to a column.

    A condition reads the typed columns (null where a value did not parse, so a rule only
    fires where its columns parsed), ``_s_<column>`` (the value as given; only its being
    empty matters) and, for keys, ``_first`` (the first row with the same key). A message is
    built only where its condition holds and the column has no problem of its own yet.
    """
    rules: list[Rule] = []

    def later(end: str, start: str, template: str) -> Rule:
        both = pl.col(end).is_not_null() & pl.col(start).is_not_null()
        cmp = (
            pl.col(end) <= pl.col(start)
            if template == msg.END_NOT_AFTER_START
            else pl.col(end) < pl.col(start)
        )
        message = _message(template, value=pl.col(_S + end), start=pl.col(_S + start))
        return end, both & cmp, message

    if table in ("shifts", "worked", "absences"):
        rules.append(later("end", "start", msg.END_NOT_AFTER_START))
    if table in ("shifts", "worked"):
        minutes = (pl.col("end") - pl.col("start")).dt.total_minutes()
        rules.append(
            (
                "break_minutes",
                pl.col("break_minutes") >= minutes,
                _message(
                    msg.BREAK_TOO_LONG,
                    value=pl.col("break_minutes").cast(pl.String),
                    minutes=minutes.cast(pl.String),
                ),
            )
        )
    if table == "cases":
        rules.append(later("end_date", "start_date", msg.DATE_BEFORE_START))
    if table in ("decisions", "employments"):
        rules.append(later("valid_to", "valid_from", msg.DATE_BEFORE_START))
    if table == "decisions":
        rules.append(
            (
                "double_hours_per_week",
                pl.col("double_hours_per_week") > pl.col("hours_per_week"),
                _message(
                    msg.DOUBLE_OVER_TOTAL,
                    value=pl.col(_S + "double_hours_per_week"),
                    total=pl.col(_S + "hours_per_week"),
                ),
            )
        )
    if table == "employments":
        monthly = pl.col("form").is_in(MONTHLY_FORMS)
        for name, label in msg.MONTHLY_NEEDS_LABELS.items():
            rules.append(
                (
                    name,
                    monthly & pl.col(_S + name).is_null(),
                    pl.lit(msg.MONTHLY_NEEDS.format(label=label)),
                )
            )
        rules.append(
            (
                "hourly_wage",
                (pl.col("form") == "hourly") & pl.col(_S + "hourly_wage").is_null(),
                pl.lit(msg.HOURLY_NEEDS),
            )
        )
    key = TABLES[table].key
    if key:
        rules.append(_duplicate_key_rule(key))
    return rules


def _duplicate_key_rule(key: tuple[str, ...]) -> Rule:
    dup = pl.all_horizontal([pl.col(k).is_not_null() for k in key]) & (
        pl.col(ROW) != pl.col(_FIRST)
    )
    label = msg.KEY_JOIN.join(msg.KEY_LABELS.get(k, k) for k in key)
    message = _message(msg.DUPLICATE_KEY, key=pl.lit(label), other=pl.col(_FIRST).cast(pl.String))
    return key[-1], dup, message


def _collect(raw: RawFile, typed: pl.DataFrame, problems: list[Problem]) -> None:
    err_cols = [c for c in typed.columns if c.startswith(ERR)]
    long = (
        typed.select(ROW, *err_cols)
        .unpivot(index=ROW, variable_name="column", value_name="message")
        .drop_nulls("message")
        .sort(ROW, "column")
    )
    problems.extend(
        Problem(raw.name, row, column[len(ERR) :], message)
        for row, column, message in long.iter_rows()
    )


# ---------------------------------------------------------------- references


@dataclass(frozen=True)
class _Ref:
    table: str
    column: str
    target: str  # table the value must exist in (its texts: messages.REFERENCE_TEXTS)
    target_column: str


REFERENCES = (
    _Ref("cases", "unit_id", "units", "unit_id"),
    _Ref("decisions", "case_id", "cases", "case_id"),
    _Ref("employees", "unit_id", "units", "unit_id"),
    _Ref("employments", "employee_id", "employees", "employee_id"),
    _Ref("shifts", "case_id", "cases", "case_id"),
    _Ref("shifts", "employee_id", "employees", "employee_id"),
    _Ref("worked", "case_id", "cases", "case_id"),
    _Ref("worked", "employee_id", "employees", "employee_id"),
    _Ref("absences", "employee_id", "employees", "employee_id"),
    _Ref("ledger", "case_id", "cases", "case_id"),
    _Ref("fk_reports", "case_id", "cases", "case_id"),
    _Ref("budget", "case_id", "cases", "case_id"),
)


def _known_values(
    target: str, column: str, frames: dict[str, pl.DataFrame], known: Known
) -> pl.Series:
    stored: pl.DataFrame = getattr(known, target)
    parts = [stored.get_column(column).cast(pl.String)]
    if target in frames:
        parts.append(frames[target].get_column(column).cast(pl.String))
    return pl.concat(parts).drop_nulls().unique()


def _check_references(
    raw: RawDataset, frames: dict[str, pl.DataFrame], known: Known, problems: list[Problem]
) -> None:
    for ref in REFERENCES:
        if ref.table not in frames:
            continue
        values = _known_values(ref.target, ref.target_column, frames, known)
        file_name = raw.files[ref.target].name if ref.target in raw.files else f"{ref.target}.csv"
        what, expected = msg.REFERENCE_TEXTS[ref.target]
        template = msg.UNKNOWN_REFERENCE.replace("{what}", what)
        template = template.replace("{file}", file_name).replace("{expected}", expected)
        _missing(
            raw.files[ref.table].name,
            frames[ref.table],
            ref.column,
            values,
            template.format,
            problems,
        )
    if "ledger" in frames:
        ledger = frames["ledger"]
        centers = _known_values("units", "cost_center", frames, known)
        _missing(
            raw.files["ledger"].name,
            ledger,
            "cost_center",
            centers,
            msg.UNKNOWN_COST_CENTER.format,
            problems,
        )
        accounts = pl.concat(
            [
                known.accounts.select("account", "category", "structural"),
                *(
                    [frames["accounts"].select("account", "category", "structural")]
                    if "accounts" in frames
                    else []
                ),
            ]
        ).unique("account", keep="last")
        mapped = account_categories(ledger.get_column("account").drop_nulls().unique(), accounts)
        unmapped = mapped.filter(pl.col("category").is_null()).get_column("account")
        bad = ledger.filter(pl.col("account").is_in(unmapped.implode()))
        problems.extend(
            Problem(raw.files["ledger"].name, row, "account", msg.UNMAPPED_ACCOUNT.format(value=a))
            for row, a in bad.select(ROW, "account").iter_rows()
        )
    if "budget" in frames:
        _missing(
            raw.files["budget"].name,
            frames["budget"],
            "cost_center",
            _known_values("units", "cost_center", frames, known),
            msg.UNKNOWN_COST_CENTER.format,
            problems,
        )
    if "employments" in frames:
        _employment_overlaps(raw.files["employments"].name, frames["employments"], known, problems)


def _missing(
    file: str,
    frame: pl.DataFrame,
    column: str,
    values: pl.Series,
    message: Callable[..., str],
    problems: list[Problem],
) -> None:
    bad = frame.filter(
        pl.col(column).is_not_null() & ~pl.col(column).is_in(values.implode())
    ).select(ROW, column)
    problems.extend(Problem(file, row, column, message(value=v)) for row, v in bad.iter_rows())


def _employment_overlaps(
    file: str, employments: pl.DataFrame, known: Known, problems: list[Problem]
) -> None:
    """Two employments of one employee may not overlap; stored ones replaced by key excepted."""
    mine = employments.filter(pl.col("valid_from").is_not_null()).select(
        "employee_id", "valid_from", "valid_to", "form", ROW
    )
    stored = _stored_employments(known, mine).with_columns(pl.lit(None, pl.Int64).alias(ROW))
    both = pl.concat([mine, stored.select(mine.columns)]).sort("employee_id", "valid_from", ROW)
    # A monthly and an hourly employment may run at once (data.md); two of one kind may not.
    # An unknown form (a stored row read without it) conflicts with anything.
    monthly, monthly_o = pl.col("form").is_in(MONTHLY_FORMS), pl.col("form_o").is_in(MONTHLY_FORMS)
    concurrent_allowed = (
        pl.col("form").is_not_null() & pl.col("form_o").is_not_null() & (monthly != monthly_o)
    )
    far = pl.date(9999, 12, 31)
    row, row_o = pl.col(ROW), pl.col(ROW + "_o")
    pairs = (
        both.join(both, on="employee_id", suffix="_o")
        .filter(
            row.is_not_null()
            # a pair of rows of this file is reported once, on the later row
            & (row_o.is_null() | (row_o < row))
            & (pl.col("valid_from") <= pl.col("valid_to_o").fill_null(far))
            & (pl.col("valid_from_o") <= pl.col("valid_to").fill_null(far))
            & ~concurrent_allowed
        )
        .sort(ROW, "valid_from_o")
    )
    for rec in pairs.iter_rows(named=True):
        where = (
            msg.OVERLAP_IN_FILE.format(row=rec[ROW + "_o"])
            if rec[ROW + "_o"] is not None
            else msg.OVERLAP_STORED
        )
        problems.append(
            Problem(
                file,
                rec[ROW],
                "valid_from",
                msg.EMPLOYMENT_OVERLAP.format(
                    start=rec["valid_from"],
                    end=rec["valid_to"] or msg.OPEN_END,
                    other_start=rec["valid_from_o"],
                    other_end=rec["valid_to_o"] or msg.OPEN_END,
                    where=where,
                    employee=rec["employee_id"],
                ),
            )
        )


# ---------------------------------------------------------------- one employee, one place


def _time_overlaps(
    raw: RawDataset, frames: dict[str, pl.DataFrame], known: Known, problems: list[Problem]
) -> None:
    """Worked and scheduled time: an exact duplicate row, or time of one employee that
    overlaps other time of that employee (in the file, or stored and not replaced by this
    import), is an error naming both rows. Double assistance is two employees, never one
    employee twice; open shifts (no employee) may overlap, as double staffing is planned."""
    for table in ("shifts", "worked"):
        if table in frames:
            _duplicates_and_overlaps(raw.files[table].name, table, frames, known, problems)


def _intervals(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose interval parsed and is valid (the others have problems of their own)."""
    return frame.filter(
        pl.col("start").is_not_null()
        & pl.col("end").is_not_null()
        & (pl.col("end") > pl.col("start"))
    )


def _duplicates_and_overlaps(
    file: str, table: str, frames: dict[str, pl.DataFrame], known: Known, problems: list[Problem]
) -> None:
    """One sort of the rows (and the stored rows they may overlap) per employee by start; no
    loop per row.

    * A row with the same values as the row before it in that order is a copy of the first
      row of that run. An open shift without a shift id may repeat: two identical open shifts
      are two places to fill.
    * Of an employee's other rows, a row overlaps an earlier one when it starts before the
      latest end so far; it is named with the row that holds that end. Every row that overlaps
      another is named at least once (the later of a pair, or the file's row of a pair with a
      stored one).
    """
    frame = frames[table]
    emp = "employee_id"
    values = [c for c in frame.columns if c != ROW]
    mine = _intervals(frame).with_columns(pl.lit(None, pl.Int64).alias("batch"))
    if mine.is_empty():
        return
    stored = _stored_kept(table, frames, known, mine.filter(pl.col(emp).is_not_null()))
    rows = pl.concat([mine, stored], how="diagonal_relaxed") if stored.height else mine
    # The employee as its categorical code: sorting and windows on an integer, not a string
    # (about twice as fast); a stable sort keeps the file's order among rows of one start,
    # the stored rows after the file's.
    rows = rows.with_columns(pl.col(emp).cast(pl.Categorical).to_physical().alias("_k")).sort(
        "_k", "start", nulls_last=True, maintain_order=True
    )
    copy = (
        pl.all_horizontal([pl.col(c).eq_missing(pl.col(c).shift(1)) for c in values])
        & pl.col(ROW).is_not_null()
        & pl.col(ROW).shift(1).is_not_null()
    )
    if table == "shifts":
        copy = copy & (pl.col(emp).is_not_null() | pl.col("shift_id").is_not_null())
    rows = rows.with_columns(
        copy.alias("_copy"), pl.when(~copy).then(pl.col(ROW)).forward_fill().alias(_FIRST)
    )
    problems.extend(
        Problem(file, row, None, msg.DUPLICATE_ROW.format(other=first))
        for row, first in rows.filter("_copy").select(ROW, _FIRST).sort(ROW).iter_rows()
    )

    people = rows.filter(pl.col(emp).is_not_null() & ~pl.col("_copy")).with_row_index("_i")
    last_end = pl.col("end").cum_max().over("_k")
    holder = pl.when(pl.col("end") == last_end).then(pl.col("_i")).forward_fill().over("_k")
    swept = people.select(
        "_i",
        ROW,
        emp,
        "case_id",
        "start",
        "end",
        "batch",
        pl.col("end").cum_max().shift(1).over("_k").alias("_prev_end"),
        holder.shift(1).over("_k").alias("_prev"),
    )
    pairs = (
        swept.filter(pl.col("start") < pl.col("_prev_end"))
        .join(swept.drop("_prev_end", "_prev", emp), left_on="_prev", right_on="_i", suffix="_o")
        .filter(pl.col(ROW).is_not_null() | pl.col(ROW + "_o").is_not_null())
    )
    # A pair is reported on the file's row: the later one, or the one beside a stored row.
    later_is_mine = pl.col(ROW).is_not_null()
    reported = pairs.select(
        pl.when(later_is_mine).then(pl.col(ROW)).otherwise(pl.col(ROW + "_o")).alias("row"),
        *[
            pl.when(later_is_mine).then(pl.col(c)).otherwise(pl.col(c + "_o")).alias(c)
            for c in ("case_id", "start", "end")
        ],
        *[
            pl.when(later_is_mine).then(pl.col(c + "_o")).otherwise(pl.col(c)).alias(c + "_o")
            for c in (ROW, "batch", "case_id", "start", "end")
        ],
        pl.col(emp),
    ).sort("row", "start_o")
    for rec in reported.iter_rows(named=True):
        where = (
            msg.TIME_OVERLAP_ROW.format(row=rec[ROW + "_o"])
            if rec[ROW + "_o"] is not None
            else msg.TIME_OVERLAP_STORED.format(batch=rec["batch_o"])
        )
        text = msg.TIME_OVERLAP.format(
            where=where,
            employee=rec[emp],
            start=_minute(rec["start"]),
            end=_minute(rec["end"]),
            case=rec["case_id"],
            other_start=_minute(rec["start_o"]),
            other_end=_minute(rec["end_o"]),
            other_case=rec["case_id_o"],
        )
        problems.append(Problem(file, rec["row"], "start", text))


def _minute(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def _stored_kept(
    table: str, frames: dict[str, pl.DataFrame], known: Known, mine: pl.DataFrame
) -> pl.DataFrame:
    """The stored rows of the file's employees around the file's time that stay in force:
    the import replaces, of this table, the months the file has rows in for the units of its
    cases (as they are after the import, the file's cases.csv included)."""
    empty = pl.DataFrame(schema={ROW: pl.Int64, **STORED_TIME_SCHEMA}).drop("month")
    if known.stored_time is None:
        return empty
    frame = frames[table]
    before = known.cases.select("case_id", "unit_id")
    after = pl.concat(
        [before, *([frames["cases"].select("case_id", "unit_id")] if "cases" in frames else [])]
    ).unique("case_id", keep="last", maintain_order=True)
    months = local_months(frame)
    units = (
        frame.select("case_id").unique().join(after, on="case_id").get_column("unit_id").unique()
    )
    moved_out = (
        before.filter(pl.col("unit_id").is_in(units.implode()))
        .join(after, on="case_id", suffix="_after")
        .filter(~pl.col("unit_id_after").is_in(units.implode()))
        .get_column("case_id")
    )
    stored = known.stored_time(
        StoredTimeQuery(
            table=table,
            employees=sorted(mine.get_column("employee_id").unique().to_list()),
            first=mine.get_column("start").min(),
            last=mine.get_column("end").max(),
            months=sorted(months),
            units=sorted(units.to_list()),
            moved_out=sorted(moved_out.to_list()),
        )
    )
    if stored.is_empty():
        return empty
    replaced = pl.col("month").is_in(months) & pl.col("unit_id").is_in(units.implode())
    return (
        stored.join(after, on="case_id", how="left")
        .filter(~replaced.fill_null(False))
        .select(
            pl.lit(None, pl.Int64).alias(ROW), "employee_id", "case_id", "start", "end", "batch"
        )
    )


def local_months(frame: pl.DataFrame) -> list[str]:
    """The months (local YYYY-MM of the start) the import replaces of a time table.

    The distinct months as numbers, then written: formatting every start as text took three
    times as long (46 against 16 ms for 370,000 shifts)."""
    start = pl.col("start")
    months = frame.select((start.dt.year().cast(pl.Int32) * 12 + start.dt.month() - 1).unique())
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months.to_series().drop_nulls().to_list()]


def _stored_employments(known: Known, mine: pl.DataFrame) -> pl.DataFrame:
    """The stored employments this file does not replace by key, with ``form`` (null when
    the stored frame has none)."""
    stored = known.employments
    if "form" not in stored.columns:
        stored = stored.with_columns(pl.lit(None, pl.String).alias("form"))
    return stored.join(
        mine.select("employee_id", "valid_from"), on=["employee_id", "valid_from"], how="anti"
    ).select("employee_id", "valid_from", "valid_to", "form")


def _supersession_notes(file: str, decisions: pl.DataFrame, known: Known) -> list[str]:
    """One notice per decision that a newer one of the same case and payer supersedes."""
    mine = decisions.select("case_id", "payer", "valid_from", "valid_to").drop_nulls(
        ["case_id", "payer", "valid_from"]
    )
    stored = known.decisions.join(mine, on=["case_id", "valid_from"], how="anti")
    both = pl.concat([mine, stored.select(mine.columns)])
    # Only pairs this file takes part in: a stored pair is not noticed again by every import.
    keys = mine.select("case_id", "valid_from")
    found = superseded_decisions(both)
    in_file = found.join(keys, on=["case_id", "valid_from"], how="semi")
    newer_in_file = found.join(
        keys.rename({"valid_from": "new_valid_from"}), on=["case_id", "new_valid_from"], how="semi"
    )
    noticed = pl.concat([in_file, newer_in_file]).unique(maintain_order=True)
    noticed = noticed.sort("case_id", "payer", "valid_from")
    return [
        msg.DECISION_SUPERSEDED.format(
            file=file,
            case=r["case_id"],
            payer=r["payer"],
            start=r["valid_from"],
            end=r["valid_to"] or msg.OPEN_END,
            new_start=r["new_valid_from"],
            new_end=r["new_valid_to"],
        )
        for r in noticed.iter_rows(named=True)
    ]


def _worked_without_employment(
    raw: RawDataset, frames: dict[str, pl.DataFrame], known: Known, problems: list[Problem]
) -> None:
    """Worked time of a known employee on a day with no employment in force is an error.

    The day is the local date of the row's start. Employments are this file's and the
    stored ones it does not replace, merged per employee into the stretches of days covered
    by at least one of them; a row is in force when its day lies in one of its employee's
    stretches. An employee unknown everywhere is reported by the reference check alone.
    """
    far = pl.date(9999, 12, 31)
    mine = (
        frames["employments"].select("employee_id", "valid_from", "valid_to", "form")
        if "employments" in frames
        else pl.DataFrame(
            schema={
                "employee_id": pl.String,
                "valid_from": pl.Date,
                "valid_to": pl.Date,
                "form": pl.String,
            }
        )
    )
    rows = pl.concat([mine, _stored_employments(known, mine)]).drop_nulls(
        ["employee_id", "valid_from"]
    )
    stretches = (
        rows.with_columns(pl.col("valid_to").fill_null(far))
        .sort("employee_id", "valid_from")
        .with_columns(
            reach=pl.col("valid_to").cum_max().shift(1).over("employee_id", order_by="valid_from")
        )
        .with_columns(
            stretch=(
                pl.col("reach").is_null()
                | (pl.col("valid_from") > pl.col("reach") + pl.duration(days=1))
            ).cum_sum()
        )
        .group_by("stretch")
        .agg(
            pl.col("employee_id").first(),
            pl.col("valid_from").min().alias("from"),
            pl.col("valid_to").max().alias("to"),
        )
    )
    employees = _known_values("employees", "employee_id", frames, known)
    worked = (
        frames["worked"]
        .lazy()
        .filter(pl.col("employee_id").is_in(employees.implode()) & pl.col("start").is_not_null())
        .select(ROW, "employee_id", pl.col("start").dt.date().alias("day"))
        .collect()
    )
    covered = (
        worked.lazy()
        .join(stretches.lazy(), on="employee_id", how="inner")
        .filter((pl.col("from") <= pl.col("day")) & (pl.col("day") <= pl.col("to")))
        .select(ROW)
        .unique()
        .collect()
    )
    bad = worked.join(covered, on=ROW, how="anti").sort(ROW)
    file = raw.files["worked"].name
    problems.extend(
        Problem(file, row, "employee_id", msg.NO_EMPLOYMENT.format(employee=emp, day=day))
        for row, emp, day in bad.iter_rows()
    )


def frames_without_rows(dataset: Dataset) -> dict[str, pl.DataFrame]:
    """The typed frames without the ``_row`` helper column."""
    return {t: f.drop(ROW) for t, f in dataset.frames.items()}


__all__ = [
    "STORED_TIME_SCHEMA",
    "TIMESTAMP",
    "Dataset",
    "Known",
    "StoredTimeQuery",
    "frames_without_rows",
    "validate",
]
