"""PAXml 2.x (paxml.se) into canonical raw frames: worked, absences, employees, employments.

The mapping is spec/exchange.md's; ``PaxmlOptions`` (from a mapping profile) adds or
overrides time codes, the dimensions of case and cost centre, and employment defaults.

Safety and size: lxml parses with entities not resolved, no network and no DTD loading, and
a document with a ``<!DOCTYPE>`` is refused before the parser sees it (a billion-laughs or
external-entity document never gets further). The encoding is the XML declaration's (libxml2
decodes ISO-8859-1, UTF-8, Windows-1252 ...).

Two readers, one meaning: a file in the plain form exports have is read by the fast reader
(``paxml_scan``: libxml2 checks the whole document, the records are matched as text a chunk
at a time); any other file, and every file that is not well-formed XML, by the general reader
here (``iterparse``, each ``<tidtrans>`` and ``<person>`` cleared once read). Both stream (no
tree of the whole file is built) and both give the same raw rows, which ``_Reader.interpret``
turns into worked and absences rows and problems.

Every produced row remembers the element's line (``SourceMap``), so every problem, also the
ones validation finds later, names the PAXml line and element.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

import polars as pl
from lxml import etree

from timbalans.ingest import messages as msg
from timbalans.ingest.exchange import PAXML, ExchangeRead, SourceMap, row_numbers
from timbalans.ingest.exchange_options import PaxmlOptions, TimeCode
from timbalans.ingest.paxml_scan import (
    PARSER_OPTIONS,
    RAW_SCHEMA,
    NotPlain,
    Person,
    Scanner,
    children,
    raw_row,
)
from timbalans.ingest.problems import Problem
from timbalans.ingest.schema import TABLES, TZ


def _default_codes() -> dict[str, TimeCode]:
    """The spec's default ``tidkod`` table (keys upper case)."""
    codes: dict[str, TimeCode] = {}

    def put(names: list[str], target: str, value: str = "") -> None:
        for n in names:
            codes[n] = TimeCode(target, value)  # type: ignore[arg-type]

    put(["ARB", "TID"], "worked", "ordinary")
    put(["MER"], "worked", "additional")
    put(["ÖT1", "OT1", "ÖK1"], "worked", "overtime_simple")
    put(
        [f"{p}{n}" for p in ("ÖT", "OT", "ÖK") for n in range(2, 6)], "worked", "overtime_qualified"
    )
    put(["JR", *[f"{p}{n}" for p in ("JR", "JS") for n in range(1, 4)]], "worked", "on_call")
    put(["BE", *[f"{p}{n}" for p in ("BE", "BS") for n in range(1, 4)]], "worked", "standby")
    put(["SJK", "SJK_KAR", "SJK_LÖN", "SJK_ERS", "SJK_PEN"], "absences", "sick")
    put(["SEM", "SEM_BET", "SEM_SPA", "SEM_FOR", "SEM_OBE"], "absences", "vacation")
    put(["VAB"], "absences", "child_care")
    put(["FPE"], "absences", "parental")
    put(["TJL"], "absences", "leave")
    put(["KOM", "NÄR", "ATF"], "absences", "other")
    put([f"OB{n}" for n in range(1, 6)], "skip")
    return codes


DEFAULT_CODES = _default_codes()

# Employment form words: ``lonform`` TIM/MÅN, ``anstform`` permanent or temporary.
HOURLY_FORMS = ("TIM", "TIMLÖN", "TIMAVLÖNAD")
MONTHLY_FORMS = ("MÅN", "MAN", "MÅNLÖN", "MÅNADSLÖN", "MÅNADSAVLÖNAD")
PERMANENT_TERMS = ("TV", "TILLSVIDARE", "TSV", "PERMANENT", "FAST")
TEMPORARY_TERMS = ("VT", "VISSTID", "VIK", "VIKARIAT", "ALV", "ALLMÄN VISSTID", "TEMPORARY")

# ``timmar`` is written with two decimals (0.005 h = 18 s): within half a minute of the clock
# times it is the same time, not more.
ROUNDING_MINUTES = 0.5
_STAMP = r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::00(?:\.0+)?)?$"


def _elements(case_dim: str, cost_center_dim: str) -> dict[str, dict[str, str]]:
    """Each produced table's canonical columns as the PAXml elements they come from."""
    anstid = "<tidtrans anstid>"
    return {
        "worked": {
            "case_id": f'<resenhet dim="{case_dim}">',
            "employee_id": anstid,
            "start": "<starttid>",
            "end": "<sluttid>",
            "break_minutes": "<timmar>",
            "time_type": "<tidkod>",
            "cost_center": f'<resenhet dim="{cost_center_dim}">',  # checked, not a column
        },
        "absences": {
            "employee_id": anstid,
            "start": "<datumfrom>",
            "end": "<datumtom>",
            "type": "<tidkod>",
            "extent_percent": "<omfattning>",
            "hours": "<timmar>",
        },
        "employees": {
            "employee_id": "<person anstid>",
            "name": "<fornamn>",
            "unit_id": f'<resenhet dim="{cost_center_dim}">',
        },
        "employments": {
            "employee_id": "<person anstid>",
            "form": "<lonform>",
            "employment_rate": "<sysgrad>",
            "monthly_salary": "<manlon>",
            "hourly_wage": "<timlon>",
            "valid_from": "<anstdatum>",
            "valid_to": "<avgdatum>",
        },
    }


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Reader:
    """What one file gives: raw ``<tidtrans>`` rows (from either reader), persons' rows and
    problems, each problem with its record's key so that they come in file order."""

    def __init__(self, name: str, options: PaxmlOptions) -> None:
        self.name = name
        self.options = options
        self.codes = {
            **DEFAULT_CODES,
            **{k.strip().upper(): v for k, v in options.time_codes.items()},
        }
        self.read = ExchangeRead(PAXML)
        self.found: list[tuple[int, Problem]] = []
        self.skipped: Counter[str] = Counter()
        cols = {t: TABLES[t].names for t in ("employees", "employments")}
        self.columns = cols
        self.rows: dict[str, list[tuple[str | None, ...]]] = {t: [] for t in cols}
        self.lines: dict[str, list[int]] = {t: [] for t in cols}
        # <tidtrans> records as raw rows (``RAW_COLUMNS``): the general reader's tuples,
        # moved into compact polars chunks as they come, and the fast reader's chunks.
        self.raw: list[tuple[int | str | None, ...]] = []
        self.raw_frames: list[pl.DataFrame] = []
        self.tables: dict[str, pl.DataFrame] = {}  # worked and absences, once interpreted
        self.case_dim, self.cost_center_dim = options.case_dim, options.cost_center_dim

    def problem(self, line: int | None, element: str | None, message: str, key: int = 0) -> None:
        self.found.append((key, Problem(self.name, line, element, message)))

    def add(self, table: str, line: int, values: dict[str, str | None]) -> None:
        self.rows[table].append(tuple(values.get(c) for c in self.columns[table]))
        self.lines[table].append(line)

    def tidtrans(self, el: Any, key: int) -> None:
        self.raw.append(raw_row(el, key, el.sourceline, self.case_dim, self.cost_center_dim))

    def flush(self) -> None:
        """Move the collected raw rows into a polars chunk."""
        if self.raw:
            columns = zip(RAW_SCHEMA.items(), zip(*self.raw, strict=True), strict=True)
            self.raw_frames.append(
                pl.DataFrame(
                    [pl.Series(name, values, dtype=kind) for (name, kind), values in columns]
                )
            )
            self.raw.clear()

    def interpret(self) -> None:
        """The raw <tidtrans> rows as worked and absences rows and problems, as the time
        code says (the one place where either reader's records get their meaning)."""
        self.flush()
        raw = pl.concat(self.raw_frames) if self.raw_frames else pl.DataFrame(schema=RAW_SCHEMA)
        self.raw_frames.clear()
        targets: dict[str, str] = {}
        values: dict[str, str] = {}
        for raw_code in raw.get_column("tidkod").unique(maintain_order=True).drop_nulls():
            found = self.codes.get(raw_code)
            if found is None:
                found = self.codes.get(raw_code.upper())
            targets[raw_code] = "unknown" if found is None else found.target
            values[raw_code] = "" if found is None else found.value
        code = pl.col("tidkod")
        frame = raw.lazy().with_columns(
            code.replace_strict(targets, default=None, return_dtype=pl.String).alias("target"),
            code.replace_strict(values, default=None, return_dtype=pl.String).alias("value"),
        )
        target, employee = pl.col("target"), pl.col("employee")
        start, end = pl.col("starttid"), pl.col("sluttid")
        first, last = pl.col("datumfrom"), pl.col("datumtom")
        dated = first.is_not_null() | last.is_not_null()
        clocked = start.is_not_null() & end.is_not_null()
        worked = (target == "worked") & (employee != "")
        absent = (target == "absences") & (employee != "")
        frame = frame.with_columns(
            no_code=code.is_null(),
            unknown=target == "unknown",
            no_employee=target.is_in(["worked", "absences"]) & (employee == ""),
            no_case=worked & (pl.col("case").is_null() | (pl.col("case") == "")),
            no_clock=worked & ~clocked,
            first=pl.when(dated)
            .then(pl.coalesce(first, last))
            .when(clocked)
            .then(start)
            .otherwise(pl.col("datum")),
            last=pl.when(dated)
            .then(pl.coalesce(last, first))
            .when(clocked)
            .then(end)
            .otherwise(pl.col("datum")),
        ).with_columns(
            no_dates=absent & (pl.col("first").is_null() | pl.col("last").is_null()),
        )
        flags = ("no_code", "unknown", "no_employee", "no_case", "no_clock", "no_dates")
        ok = ~pl.any_horizontal(*flags)
        # Lazily, so that only the columns each result needs are filtered (no copy of all).
        skipped, bad, self.tables["worked"], self.tables["absences"] = pl.collect_all(
            [
                frame.filter(target == "skip").group_by("tidkod", maintain_order=True).len(),
                frame.filter(~ok).select("key", "line", "tidkod", *flags),
                frame.filter(worked & ok).select(
                    pl.col("case").alias("case_id"),
                    employee.alias("employee_id"),
                    start.alias("start"),
                    end.alias("end"),
                    pl.lit(None, dtype=pl.String).alias("break_minutes"),
                    pl.col("value").alias("time_type"),
                    "line",
                    pl.col("timmar").alias("hours"),
                    "cost_center",
                ),
                frame.filter(absent & ok).select(
                    employee.alias("employee_id"),
                    pl.col("first").alias("start"),
                    pl.col("last").alias("end"),
                    pl.col("value").alias("type"),
                    pl.col("omfattning").alias("extent_percent"),
                    pl.col("timmar").alias("hours"),
                    "line",
                ),
            ]
        )
        del raw, frame
        for raw_code, count in skipped.iter_rows():
            self.skipped[raw_code.upper()] += count
        for row in bad.iter_rows(named=True):
            self._problems(row)
        self.found.sort(key=lambda found: found[0])  # stable: a record's problems in order
        self.read.problems.extend(p for _, p in self.found)
        self.found.clear()

    def _problems(self, row: dict[str, Any]) -> None:
        key, line = row["key"], row["line"]
        if row["no_code"]:
            self.problem(line, "<tidkod>", msg.PAXML_NO_CODE, key)
        elif row["unknown"]:
            self.problem(line, "<tidkod>", msg.PAXML_UNKNOWN_CODE.format(code=row["tidkod"]), key)
        elif row["no_employee"]:
            self.problem(line, "<tidtrans anstid>", msg.PAXML_NO_EMPLOYEE, key)
        elif row["no_dates"]:
            self.problem(line, "<datumfrom>", msg.PAXML_NO_DATES, key)
        else:
            if row["no_case"]:
                dim = self.options.case_dim
                self.problem(line, "<resenheter>", msg.PAXML_NO_CASE.format(dim=dim), key)
            if row["no_clock"]:
                self.problem(line, "<starttid>", msg.PAXML_NO_CLOCK, key)

    def person(self, el: Any, line: int, key: int) -> None:
        texts, objects = children(el)
        employee = (el.get("anstid") or texts.get("anstid") or "").strip()
        if not employee:
            self.problem(line, "<person anstid>", msg.PAXML_NO_EMPLOYEE, key)
            return
        name = " ".join(v for v in (texts.get("fornamn"), texts.get("efternamn")) if v)
        self.add(
            "employees",
            line,
            {
                "employee_id": employee,
                "name": name or None,
                "unit_id": objects.get(self.options.cost_center_dim),
            },
        )
        if not (texts.get("anstdatum") or texts.get("lonform")):
            return  # a person without an employment in the file
        defaults = dict(self.options.employment_defaults)
        form = self._form(line, key, texts, defaults.get("form"))
        if form is None:
            return
        values: dict[str, str | None] = {
            **defaults,
            "employee_id": employee,
            "form": form,
            "valid_from": texts.get("anstdatum"),
            "valid_to": texts.get("avgdatum"),
        }
        for column, element in (
            ("employment_rate", "sysgrad"),
            ("monthly_salary", "manlon"),
            ("hourly_wage", "timlon"),
        ):
            if texts.get(element):
                values[column] = texts[element]
        self.add("employments", line, values)

    def _form(self, line: int, key: int, texts: dict[str, str], default: str | None) -> str | None:
        pay = texts.get("lonform", "").upper()
        if not pay and default:
            return default
        if pay in HOURLY_FORMS:
            return "hourly"
        if pay not in MONTHLY_FORMS:
            value = texts.get("lonform", "")
            self.problem(line, "<lonform>", msg.PAXML_BAD_FORM.format(value=value), key)
            return None
        term = texts.get("anstform", "").upper()
        if term in PERMANENT_TERMS:
            return "monthly_permanent"
        if term in TEMPORARY_TERMS:
            return "monthly_temporary"
        value = texts.get("anstform", "")
        self.problem(line, "<anstform>", msg.PAXML_BAD_TERM.format(value=value), key)
        return None

    def frames(self) -> None:
        """The rows as raw frames, each with its ``SourceMap`` (``row_numbers``)."""
        elements = _elements(self.options.case_dim, self.options.cost_center_dim)
        produced: dict[str, tuple[pl.DataFrame, list[int]]] = {}
        for table in ("worked", "absences"):
            frame = self.tables[table]
            if frame.height:
                produced[table] = (frame, frame.get_column("line").to_list())
        for table, collected in self.rows.items():
            if collected:
                schema = dict.fromkeys(self.columns[table], pl.String)
                frame = pl.DataFrame(collected, schema=schema, orient="row")
                produced[table] = (frame, self.lines[table])
        numbers = row_numbers([lines for _, lines in produced.values()])
        for (table, (frame, lines)), rows in zip(produced.items(), numbers, strict=True):
            cost_centers = None
            if table == "worked":
                cost_centers = frame.get_column("cost_center").to_list()
                frame = self._worked(frame, lines)
            elif table == "absences":
                frame = frame.drop("line").with_columns(_stamp("start"), _stamp("end"))
            self.read.frames[table] = (frame, SourceMap(rows, lines, elements[table], cost_centers))
        self.read.skipped = dict(self.skipped)

    def _worked(self, frame: pl.DataFrame, lines: list[int]) -> pl.DataFrame:
        """Clock times written the canonical way; the break = elapsed minutes (DST-aware)
        − 60 × ``timmar`` when ``timmar`` is smaller, else 0; ``timmar`` over the elapsed
        time is a problem. Values that are not times or numbers are left to validation (a
        date that does not exist is its problem, named at the line) or reported here."""
        hours = frame.get_column("hours").str.strip_chars()
        frame = frame.drop("line", "hours", "cost_center").with_columns(
            _stamp("start"), _stamp("end")
        )
        number = hours.str.replace(",", ".").cast(pl.Float64, strict=False)
        elapsed = frame.select(
            (_instant("end") - _instant("start")).dt.total_seconds().truediv(60).alias("m")
        ).get_column("m")
        check = pl.DataFrame(
            {
                "row": pl.int_range(0, frame.height, eager=True),
                "h": hours,
                "n": number,
                "m": elapsed,
            }
        )
        for i, h in (
            check.filter(pl.col("h").is_not_null() & pl.col("n").is_null())
            .select("row", "h")
            .iter_rows()
        ):
            self.read.problems.append(
                Problem(self.name, lines[i], "<timmar>", msg.BAD_NUMBER.format(value=h))
            )
        over = check.filter(
            pl.col("m").is_not_null() & (pl.col("n") * 60 > pl.col("m") + ROUNDING_MINUTES)
        )
        for i, h, m in over.select("row", "h", "m").iter_rows():
            message = msg.PAXML_HOURS_OVER_CLOCK.format(value=h, hours=_hours(m))
            self.read.problems.append(Problem(self.name, lines[i], "<timmar>", message))
        brk = check.select(
            pl.when(pl.col("n").is_not_null() & pl.col("m").is_not_null())
            .then((pl.col("m") - pl.col("n") * 60).round(0).clip(lower_bound=0))
            .cast(pl.Int64)
            .cast(pl.String)
            .alias("break_minutes")
        ).get_column("break_minutes")
        return frame.with_columns(brk)


def _stamp(column: str) -> pl.Expr:
    """``2025-03-31T07:00:00`` as ``2025-03-31 07:00`` (the form the fast validation reads);
    anything else (a date, seconds) is left as written for validation."""
    value = pl.col(column)
    canonical = pl.concat_str(value.str.slice(0, 10), pl.lit(" "), value.str.slice(11, 5))
    return pl.when(value.str.contains(_STAMP)).then(canonical).otherwise(value).alias(column)


def _instant(column: str) -> pl.Expr:
    naive = pl.col(column).str.strptime(
        pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False, cache=False
    )
    return naive.dt.replace_time_zone(TZ, ambiguous="earliest", non_existent="null")


def _hours(minutes: float) -> str:
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# The first element's start tag (the root): a DOCTYPE can only come before it.
_ROOT = re.compile(rb"<[A-Za-z_]")
# Records held at most before they are let go: a few MB, so a 100 MB file streams.
RELEASE_EVERY = 2048
CHUNK_ROWS = 65536
_NAMESPACE = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?paxml\b[^>]*?\sxmlns\s*=\s*(?:"([^"]*)"|'([^']*)')"""
)


def _line_of(data: bytes, needle: bytes) -> int:
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def read_paxml(name: str, data: bytes, options: PaxmlOptions | None = None) -> ExchangeRead:
    """Read one PAXml file; problems and skipped codes are in the result, never raised."""
    options = options or PaxmlOptions()
    root = _ROOT.search(data, 0, 65536)
    if b"<!DOCTYPE" in data[: root.start() if root else 65536].upper():
        reader = _Reader(name, options)
        reader.problem(_line_of(data, b"<!DOCTYPE"), None, msg.PAXML_DOCTYPE)
        reader.interpret()
        return reader.read
    try:
        return read_plain(name, data, options)
    except NotPlain:
        return read_general(name, data, options)


def read_plain(name: str, data: bytes, options: PaxmlOptions) -> ExchangeRead:
    """The fast reader (``paxml_scan``); ``NotPlain`` when the file is not for it. Only for a
    document without a ``<!DOCTYPE>`` (``read_paxml`` refuses those first)."""
    reader = _Reader(name, options)
    for item in Scanner(data, options.case_dim, options.cost_center_dim).run():
        if isinstance(item, Person):
            reader.person(item.element, item.line, item.key)
        else:
            reader.raw_frames.append(item)
    reader.interpret()
    reader.frames()
    return reader.read


def read_general(name: str, data: bytes, options: PaxmlOptions) -> ExchangeRead:
    """The general reader: lxml's ``iterparse``, only the records' ends coming to Python."""
    reader = _Reader(name, options)
    root = _ROOT.search(data, 0, 65536)
    # Only the record elements are reported, by their exact name (a namespace, when the root
    # declares one, is part of it): the fewest events for Python to handle.
    declared = _NAMESPACE.search(data, 0, root.end() + 4096 if root else 65536)
    uri = (declared.group(1) or declared.group(2) or b"") if declared else b""
    ns = "{" + uri.decode("utf-8") + "}" if declared else ""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=(f"{ns}tidtrans", f"{ns}person", f"{ns}schematrans"),
        remove_comments=True,
        remove_pis=True,
        **PARSER_OPTIONS,
    )
    tidtrans, person = f"{ns}tidtrans", f"{ns}person"
    checked = False
    seen = 0
    try:
        for _, el in events:
            if not checked:
                top = el.getroottree()
                if top.docinfo.doctype:  # a second guard: refused before already
                    reader.problem(_line_of(data, b"<!DOCTYPE"), None, msg.PAXML_DOCTYPE)
                    reader.raw.clear()
                    reader.interpret()
                    return reader.read
                if _local(top.getroot().tag) != "paxml":
                    tag = _local(top.getroot().tag)
                    reader.problem(1, None, msg.PAXML_NOT_ROOT.format(tag=tag))
                    reader.raw.clear()
                    reader.interpret()
                    return reader.read
                checked = True
            tag = el.tag
            seen += 1
            if tag == tidtrans:
                reader.tidtrans(el, seen)
            elif tag == person:
                reader.person(el, el.sourceline, seen)
            # Stream: every so many records, what is read is let go (the element and the
            # siblings before it are complete; schedule rows carry no case and are not used).
            if seen % RELEASE_EVERY == 0:
                del el.getparent()[:]
                if len(reader.raw) >= CHUNK_ROWS:
                    reader.flush()
    except etree.XMLSyntaxError as exc:
        reader.interpret()  # the problems of the records before it, as before
        line = exc.lineno if exc.lineno else None
        last = data.rstrip().count(b"\n") + 1
        if line is not None and line >= last:
            reader.read.problems.append(Problem(name, line, None, msg.PAXML_TRUNCATED))
        else:
            detail = msg.PAXML_BAD_XML.format(detail=exc.msg)
            reader.read.problems.append(Problem(name, line, None, detail))
        return reader.read
    reader.interpret()
    reader.frames()
    return reader.read
