"""PAXml 2.x (paxml.se) into canonical raw frames: worked, absences, employees, employments.

The mapping is spec/exchange.md's; ``PaxmlOptions`` (from a mapping profile) adds or
overrides time codes, the dimensions of case and cost centre, and employment defaults.

Safety and size: lxml parses with entities not resolved, no network and no DTD loading, and
a document with a ``<!DOCTYPE>`` is refused before its first element is used (a billion-laughs
or external-entity document never gets further). The file is streamed (``iterparse``), each
``<tidtrans>`` and ``<person>`` cleared once read, so no tree of the whole file is built. The
encoding is the XML declaration's (libxml2 decodes ISO-8859-1, UTF-8, Windows-1252 ...).

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


def _children(el: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(child element texts, resenhet objects by dimension) of one element.

    The hot loop of a large file: tags are compared as written and only a namespaced tag
    (``{uri}name``) pays for stripping its namespace. ``el[:]`` takes all children in one
    call, measurably cheaper than iterating the element (lxml's per-child iterator).
    """
    texts: dict[str, str] = {}
    objects: dict[str, str] = {}
    for child in el[:]:
        name = child.tag
        if name[0] == "{":
            name = name[name.index("}") + 1 :]
        if name == "resenheter":
            for obj in child[:]:
                dim, oid = obj.get("dim"), obj.get("id")
                tag = obj.tag
                if dim is not None and oid and (tag == "resenhet" or tag.endswith("}resenhet")):
                    objects[dim.strip()] = oid.strip()
        else:
            value = child.text
            if value and (value := value.strip()):
                texts[name] = value
    return texts, objects


class _Reader:
    def __init__(self, name: str, options: PaxmlOptions) -> None:
        self.name = name
        self.options = options
        self.codes = {
            **DEFAULT_CODES,
            **{k.strip().upper(): v for k, v in options.time_codes.items()},
        }
        self.read = ExchangeRead(PAXML)
        self.skipped: Counter[str] = Counter()
        cols = {t: TABLES[t].names for t in ("worked", "absences", "employees", "employments")}
        self.columns = cols
        self.rows: dict[str, list[tuple[str | None, ...]]] = {t: [] for t in cols}
        # Rows move from Python tuples into compact polars chunks as they come.
        self.chunks: dict[str, list[pl.DataFrame]] = {t: [] for t in cols}
        self.hours: list[str | None] = []  # ``timmar`` of each worked row (the break's source)
        self.cost_centers: list[str | None] = []
        self.lines: dict[str, list[int]] = {t: [] for t in cols}
        # The hot path's lists and options looked up once (``flush`` clears, never replaces).
        self.worked_rows, self.worked_lines = self.rows["worked"], self.lines["worked"]
        self.case_dim, self.cost_center_dim = options.case_dim, options.cost_center_dim

    def problem(self, line: int | None, element: str | None, message: str) -> None:
        self.read.problems.append(Problem(self.name, line, element, message))

    def add(self, table: str, line: int, values: dict[str, str | None]) -> None:
        self.rows[table].append(tuple(values.get(c) for c in self.columns[table]))
        self.lines[table].append(line)

    def tidtrans(self, el: Any) -> None:
        line = el.sourceline
        texts, objects = _children(el)
        employee = (el.get("anstid") or texts.get("anstid") or "").strip()
        raw_code = texts.get("tidkod", "")
        if not raw_code:
            self.problem(line, "<tidkod>", msg.PAXML_NO_CODE)
            return
        code = self.codes.get(raw_code)
        if code is None:  # codes as written are remembered: the upper-casing once per code
            code = self.codes.get(raw_code.upper())
            if code is not None:
                self.codes[raw_code] = code
        if code is None:
            self.problem(line, "<tidkod>", msg.PAXML_UNKNOWN_CODE.format(code=raw_code))
            return
        if code.target == "skip":
            self.skipped[raw_code.upper()] += 1
            return
        if not employee:
            self.problem(line, "<tidtrans anstid>", msg.PAXML_NO_EMPLOYEE)
            return
        start, end = texts.get("starttid"), texts.get("sluttid")
        if code.target == "worked":
            case = objects.get(self.case_dim)
            ok = True
            if not case:
                self.problem(
                    line, "<resenheter>", msg.PAXML_NO_CASE.format(dim=self.options.case_dim)
                )
                ok = False
            if not (start and end):
                self.problem(line, "<starttid>", msg.PAXML_NO_CLOCK)
                ok = False
            if ok:
                # the canonical column order of worked; the break is computed in ``_worked``
                self.worked_rows.append((case, employee, start, end, None, code.value))
                self.worked_lines.append(line)
                self.hours.append(texts.get("timmar"))
                self.cost_centers.append(objects.get(self.cost_center_dim))
            return
        first, last = texts.get("datumfrom"), texts.get("datumtom")
        if first or last:
            start, end = first or last, last or first
        elif not (start and end):
            start = end = texts.get("datum")
        if not (start and end):
            self.problem(line, "<datumfrom>", msg.PAXML_NO_DATES)
            return
        self.add(
            "absences",
            line,
            {
                "employee_id": employee,
                "start": start,
                "end": end,
                "type": code.value,
                "extent_percent": texts.get("omfattning"),
                "hours": texts.get("timmar"),
            },
        )

    def person(self, el: Any) -> None:
        line = el.sourceline
        texts, objects = _children(el)
        employee = (el.get("anstid") or texts.get("anstid") or "").strip()
        if not employee:
            self.problem(line, "<person anstid>", msg.PAXML_NO_EMPLOYEE)
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
        form = self._form(line, texts, defaults.get("form"))
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

    def _form(self, line: int, texts: dict[str, str], default: str | None) -> str | None:
        pay = texts.get("lonform", "").upper()
        if not pay and default:
            return default
        if pay in HOURLY_FORMS:
            return "hourly"
        if pay not in MONTHLY_FORMS:
            self.problem(
                line, "<lonform>", msg.PAXML_BAD_FORM.format(value=texts.get("lonform", ""))
            )
            return None
        term = texts.get("anstform", "").upper()
        if term in PERMANENT_TERMS:
            return "monthly_permanent"
        if term in TEMPORARY_TERMS:
            return "monthly_temporary"
        self.problem(line, "<anstform>", msg.PAXML_BAD_TERM.format(value=texts.get("anstform", "")))
        return None

    def flush(self, *, at_least: int = 1) -> None:
        """Move collected rows (of tables with at least ``at_least``) into polars chunks."""
        for table, rows in self.rows.items():
            if len(rows) >= at_least:
                schema = dict.fromkeys(self.columns[table], pl.String)
                self.chunks[table].append(pl.DataFrame(rows, schema=schema, orient="row"))
                rows.clear()

    def frames(self) -> None:
        """The collected rows as raw frames, each with its ``SourceMap`` (``row_numbers``)."""
        self.flush()
        elements = _elements(self.options.case_dim, self.options.cost_center_dim)
        tables = [t for t in self.chunks if self.lines[t]]
        numbers = row_numbers([self.lines[t] for t in tables])
        for table, rows in zip(tables, numbers, strict=True):
            lines = self.lines[table]
            frame = pl.concat(self.chunks[table], rechunk=True)
            cost_centers = None
            if table == "worked":
                frame = self._worked(frame, lines)
                cost_centers = self.cost_centers
            elif table == "absences":
                frame = frame.with_columns(_stamp("start"), _stamp("end"))
            self.read.frames[table] = (frame, SourceMap(rows, lines, elements[table], cost_centers))
        self.read.skipped = dict(self.skipped)

    def _worked(self, frame: pl.DataFrame, lines: list[int]) -> pl.DataFrame:
        """Clock times written the canonical way; the break = elapsed minutes (DST-aware)
        − 60 × ``timmar`` when ``timmar`` is smaller, else 0; ``timmar`` over the elapsed
        time is a problem. Values that are not times or numbers are left to validation (a
        date that does not exist is its problem, named at the line) or reported here."""
        frame = frame.with_columns(_stamp("start"), _stamp("end"))
        hours = pl.Series("hours", self.hours, dtype=pl.String).str.strip_chars()
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
            self.problem(lines[i], "<timmar>", msg.BAD_NUMBER.format(value=h))
        over = check.filter(
            pl.col("m").is_not_null() & (pl.col("n") * 60 > pl.col("m") + ROUNDING_MINUTES)
        )
        for i, h, m in over.select("row", "h", "m").iter_rows():
            self.problem(
                lines[i], "<timmar>", msg.PAXML_HOURS_OVER_CLOCK.format(value=h, hours=_hours(m))
            )
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
    return pl.col(column).str.replace(_STAMP, "$1 $2")


def _instant(column: str) -> pl.Expr:
    naive = pl.col(column).str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False)
    return naive.dt.replace_time_zone(TZ, ambiguous="earliest", non_existent="null")


def _hours(minutes: float) -> str:
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# The first element's start tag (the root): a DOCTYPE can only come before it.
_ROOT = re.compile(rb"<[A-Za-z_]")
# Records held at most before they are let go: a few MB, so a 100 MB file streams.
RELEASE_EVERY = 2048
CHUNK_ROWS = 65536
_NAMESPACE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?paxml\b[^>]*?\sxmlns="([^"]*)"')


def _line_of(data: bytes, needle: bytes) -> int:
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def read_paxml(name: str, data: bytes, options: PaxmlOptions | None = None) -> ExchangeRead:
    """Read one PAXml file; problems and skipped codes are in the result, never raised."""
    reader = _Reader(name, options or PaxmlOptions())
    root = _ROOT.search(data, 0, 65536)
    if b"<!DOCTYPE" in data[: root.start() if root else 65536].upper():
        reader.problem(_line_of(data, b"<!DOCTYPE"), None, msg.PAXML_DOCTYPE)
        return reader.read
    # Only the record elements are reported, by their exact name (a namespace, when the root
    # declares one, is part of it): the fewest events for Python to handle.
    declared = _NAMESPACE.search(data, 0, root.end() + 4096 if root else 65536)
    ns = "{" + declared.group(1).decode("utf-8") + "}" if declared else ""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=(f"{ns}tidtrans", f"{ns}person", f"{ns}schematrans"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    tidtrans, person = f"{ns}tidtrans", f"{ns}person"
    checked = False
    seen = 0
    try:
        for _, el in events:
            if not checked:
                top = el.getroottree()
                if top.docinfo.doctype:  # a second guard: refused above already
                    reader.problem(_line_of(data, b"<!DOCTYPE"), None, msg.PAXML_DOCTYPE)
                    return reader.read
                if _local(top.getroot().tag) != "paxml":
                    tag = _local(top.getroot().tag)
                    reader.problem(1, None, msg.PAXML_NOT_ROOT.format(tag=tag))
                    return reader.read
                checked = True
            tag = el.tag
            if tag == tidtrans:
                reader.tidtrans(el)
            elif tag == person:
                reader.person(el)
            # Stream: every so many records, what is read is let go (the element and the
            # siblings before it are complete; schedule rows carry no case and are not used).
            seen += 1
            if seen % RELEASE_EVERY == 0:
                del el.getparent()[:]
                reader.flush(at_least=CHUNK_ROWS)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        last = data.rstrip().count(b"\n") + 1
        if line is not None and line >= last:
            reader.problem(line, None, msg.PAXML_TRUNCATED)
        else:
            reader.problem(line, None, msg.PAXML_BAD_XML.format(detail=exc.msg))
        return reader.read
    reader.frames()
    return reader.read
