"""The fast way through a large PAXml file: records matched as text, the parser only checking.

The general reader (``paxml.read_general``) has lxml hand every ``<tidtrans>`` to Python and
takes its children through lxml's element objects: most of an exchange import's time. Yet a
large PAXml file is hundreds of thousands of records of a few fixed forms, written by one
program. This reader:

1. has libxml2 check the whole document in one call, without building a tree or calling
   Python (a parser with an empty target); a document that is not well-formed XML is left to
   the general reader, which reports it as always;
2. finds the records in the text: with no comment, CDATA section, processing instruction or
   namespace declaration after the root's start tag, every ``<`` starts a tag, so a record is
   found by its name (``<tidtrans`` not followed by more name);
3. learns a record's *form* (its tags, attributes and the whitespace between them, its values
   left open) from the first record of that form, read with lxml like any record, and then
   matches every record of a known form with one regular expression per chunk of the file, the
   values going straight into polars columns. A form is used only when matching its first
   record gives exactly what lxml gave. Records of no known form, and every ``<person>`` (a
   few per employee), are read with lxml one by one.

What the values may hold keeps the two readers equal: a value read from a form holds no
``<``, ``&`` (an entity), CR or LF, and an attribute no tab either (XML normalises those), so
the text is the value lxml gives. Anything else, in the few places it can occur, makes the
record one of no known form.

A file this reader does not take (an encoding other than UTF-8, ISO-8859-1/15 or
Windows-1252; a comment, CDATA section or processing instruction after the root's start tag; a
namespace declaration below the root or a prefixed record; a line ended by a lone CR; records
inside records; many records of no form) raises ``NotPlain``, and the general reader reads it.
Both readers produce the same raw columns (``RAW_COLUMNS``) from a ``<tidtrans>``, and the
same code in ``paxml.py`` turns them into rows and problems.

Memory: the file is decoded and matched a chunk (``CHUNK_BYTES``) at a time, cut after a
``</tidtrans>``; what stays is the columns of the records read.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from lxml import etree

# What one <tidtrans> gives, before the time code decides what it is. ``key`` orders records
# (and their problems) as in the file; ``line`` is the element's line (where its start tag
# ends, as lxml counts); values are stripped, None when absent or empty (``employee`` is "",
# and ``case`` and ``cost_center`` are "" for an ``id`` of blanks, as the element gives them).
TEXT_FIELDS = (
    "tidkod",
    "starttid",
    "sluttid",
    "timmar",
    "datumfrom",
    "datumtom",
    "datum",
    "omfattning",
)
RAW_COLUMNS = ("key", "line", "employee", *TEXT_FIELDS, "case", "cost_center")
RAW_SCHEMA = {c: pl.Int64 if c in ("key", "line") else pl.String for c in RAW_COLUMNS}
USED_TEXTS = frozenset((*TEXT_FIELDS, "anstid"))

# Python codec names (``codecs.lookup(...).name``) read the same as libxml2 reads them.
ENCODINGS = {
    "utf-8": "utf-8",
    "iso8859-1": "latin-1",
    "iso8859-15": "iso8859-15",
    "cp1252": "cp1252",
}
CHUNK_BYTES = 4 << 20
MAX_FORMS = 16
# <tidtrans> records read one by one (of no form) before the general reader takes the file.
MAX_ONE_BY_ONE = 5000
# Record keys: chunk, position among the chunk's gaps and matched records, record in a gap.
_CHUNK_SHIFT, _SLOT_SHIFT = 42, 20

PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}


class NotPlain(Exception):
    """The file is not in the form this reader takes; the general reader reads it."""


def children(el: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(child element texts, resenhet objects by dimension) of one element.

    The hot loop of the general reader: tags are compared as written and only a namespaced
    tag (``{uri}name``) pays for stripping its namespace. ``el[:]`` takes all children in
    one call, measurably cheaper than iterating the element (lxml's per-child iterator).
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


def raw_row(
    el: Any, key: int, line: int, case_dim: str, cost_center_dim: str
) -> tuple[int | str | None, ...]:
    """One <tidtrans> element as a row of ``RAW_COLUMNS``."""
    texts, objects = children(el)
    text = texts.get
    employee = (el.get("anstid") or text("anstid") or "").strip()
    return (  # TEXT_FIELDS written out (the general reader's hot path); the tests compare
        key,
        line,
        employee,
        text("tidkod"),
        text("starttid"),
        text("sluttid"),
        text("timmar"),
        text("datumfrom"),
        text("datumtom"),
        text("datum"),
        text("omfattning"),
        objects.get(case_dim),
        objects.get(cost_center_dim),
    )


# ---------------------------------------------------------------- the document's outline

_DECLARATION = re.compile(rb"(\xef\xbb\xbf)?(<\?xml\s[^>]*?\?>)?\s*")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ATTRS = r"""(?:\s+[^\s=/<>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*"""
_ROOT = re.compile(rb"<paxml(" + _ATTRS.encode() + rb")\s*>")
_START = re.compile(r"<(tidtrans|person)(?=[\s/>])")
_START_TAG = re.compile(r"<(tidtrans|person)(" + _ATTRS + r")\s*(/?)>")
_END_TAG = {n: re.compile(rf"</{n}\s*>") for n in ("tidtrans", "person")}
# What the text outside the matched records (and a record a form is learned from) must not
# hold: a comment, CDATA section or processing instruction (where ``<`` is no tag), a
# namespace declaration or a prefixed record (a record's name would not be its tag), a lone CR
# (libxml2 counts it as a line end). Checked there only: a matched record holds none of these
# (its values hold no ``<`` or CR, and the rest is its form's, learned from a record without).
_NOT_PLAIN = re.compile(r"<[!?]|xmlns|:tidtrans|:person|\r(?!\n)")


class _Empty:
    """A parser target with no callbacks: libxml2 checks the document and builds nothing."""

    def close(self) -> None:
        return None


def _codec(head: bytes) -> str:
    m = _DECLARATION.match(head)
    assert m is not None  # the pattern matches the empty string
    declared = _ENCODING.search(m.group(2) or b"")
    name = (declared.group(1) or declared.group(2)).decode("ascii", "replace") if declared else ""
    if m.group(1) and name and name.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise NotPlain  # a UTF-8 byte order mark and another declared encoding
    try:
        codec = ENCODINGS.get(codecs.lookup(name or "utf-8").name)
    except LookupError:
        codec = None
    if codec is None:
        raise NotPlain
    return codec


def _outline(data: bytes) -> tuple[str, re.Match[bytes]]:
    """(the codec, the root's start tag) of a document this reader takes: an XML
    declaration at most before the root (so no DOCTYPE), the root ``<paxml>`` unprefixed."""
    head = _DECLARATION.match(data)
    assert head is not None
    root = _ROOT.match(data, head.end())
    if root is None or b"&" in root.group(0):
        raise NotPlain
    return _codec(data[: head.end()]), root


class _Check:
    """libxml2 checks the whole document in a thread of its own (it lets go of Python's lock
    while parsing, and with an empty target it never calls Python), next to the matching."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="paxml-check", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            etree.fromstring(self.data, etree.XMLParser(target=_Empty(), **PARSER_OPTIONS))
        except BaseException as exc:  # reported by ``result`` in the reading thread
            self.failed = exc

    def result(self) -> None:
        """Wait for the check; ``NotPlain`` when the document is not well-formed XML."""
        self.thread.join()
        if isinstance(self.failed, etree.XMLSyntaxError):
            raise NotPlain
        if self.failed is not None:
            raise self.failed


def _chunks(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """The file from ``start`` in pieces of about ``CHUNK_BYTES``, each ending after a
    ``</tidtrans>`` (so no record is cut: records do not nest) or at the end."""
    while start < len(data):
        end = start + CHUNK_BYTES
        while True:
            at = data.find(b"</tidtrans", end)
            if at < 0:
                end = len(data)
                break
            after = data[at + 10 : at + 11]
            if after in (b">", b" ", b"\t", b"\n", b"\r"):
                end = data.index(b">", at) + 1
                break
            end = at + 10
        yield start, end
        start = end


# ---------------------------------------------------------------- forms


@dataclass(frozen=True)
class Form:
    """The form of a record: a pattern with a group per value read, and what each group is
    (``("attr", "anstid")``, ``("text", name)``, ``("dim", i)``, ``("id", i)``); its line
    ends before the start tag's end and in all (values hold none)."""

    pattern: str
    roles: tuple[tuple[str, str], ...]
    start_lines: int
    lines: int


_TOKEN = re.compile(r"<(/?)([^\s/<>!?][^\s/<>]*)(" + _ATTRS + r")(\s*)(/?)>|[^<]+")
_ATTR = re.compile(r"""(\s+)([^\s=/<>]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')""")
_VALUE = {'"': r'([^"<&\t\r\n]*)', "'": r"([^'<&\t\r\n]*)"}
_OTHER_VALUE = {'"': r'[^"<\r\n]*', "'": r"[^'<\r\n]*"}
_TEXT = r"([^<&\r\n]*)"
_OTHER_TEXT = r"[^<\r\n]*"


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def learn(record: str) -> Form | None:
    """The form of one ``<tidtrans>…</tidtrans>`` (None when it has none: an empty element,
    or a value the form's groups cannot hold)."""
    if _NOT_PLAIN.search(record):
        return None
    tokens = list(_TOKEN.finditer(record))
    if (
        not tokens
        or sum(len(t.group(0)) for t in tokens) != len(record)
        or tokens[0].group(2) != "tidtrans"
        or tokens[0].group(5)
    ):
        return None
    parts: list[str] = []
    roles: list[tuple[str, str]] = []
    stack: list[str] = []  # local names of the open elements, the record first
    pairs = 0
    i = 0
    while i < len(tokens):
        t = tokens[i]
        i += 1
        if t.group(2) is None:  # text outside the values read
            text = t.group(0)
            parts.append(re.escape(text) if not text.strip() else _OTHER_TEXT)
            continue
        closing, name, attrs, space, empty = t.groups()
        if closing:
            parts.append(f"</{re.escape(name)}{re.escape(space)}>")
            stack.pop()
            continue
        local = _local(name)
        depth = len(stack)
        if depth and local in ("tidtrans", "person"):
            return None  # a record inside a record: the general reader's
        pair = depth == 2 and local == "resenhet" and stack[1] == "resenheter"
        found = {a.group(2) for a in _ATTR.finditer(attrs)}
        pair = pair and {"dim", "id"} <= found
        tag = [f"<{re.escape(name)}"]
        for a in _ATTR.finditer(attrs):
            quote = '"' if a.group(4) is not None else "'"
            attr = a.group(2)
            tag.append(re.escape(a.group(1) + attr + a.group(3)) + quote)
            if depth == 0 and attr == "anstid":
                tag.append(_VALUE[quote])
                roles.append(("attr", "anstid"))
            elif pair and attr in ("dim", "id"):
                tag.append(_VALUE[quote])
                roles.append((attr, str(pairs)))
            else:
                tag.append(_OTHER_VALUE[quote])
            tag.append(quote)
        tag.append(f"{re.escape(space)}{'/' if empty else ''}>")
        parts.append("".join(tag))
        pairs += pair
        if empty:
            continue
        stack.append(local)
        if depth == 1:  # the child's text (``child.text``): up to its first tag
            text = ""
            if i < len(tokens) and tokens[i].group(2) is None:
                text = tokens[i].group(0)
                i += 1
            if local in USED_TEXTS and local != "resenheter":
                parts.append(_TEXT)
                roles.append(("text", local))
            elif not text.strip() and "\n" in text:
                parts.append(re.escape(text))
            else:
                parts.append(_OTHER_TEXT)
    pattern = "".join(parts)
    if re.fullmatch(pattern, record) is None:
        return None
    start_tag = tokens[0].group(0)
    return Form(pattern, tuple(roles), start_tag.count("\n"), record.count("\n"))


def form_values(form: Form, groups: tuple[str | None, ...], case_dim: str, cc_dim: str) -> tuple:
    """What the general reader takes from a record, as the form's groups give it (the check
    that a learned form reads its first record as lxml does)."""
    texts: dict[str, str] = {}
    attr = None
    pairs: dict[str, dict[str, str]] = {}
    for (role, name), value in zip(form.roles, groups, strict=True):
        assert value is not None
        if role == "attr":
            attr = value
        elif role == "text":
            if value.strip():
                texts[name] = value.strip()
        else:
            pairs.setdefault(name, {})[role] = value
    objects = {p["dim"].strip(): p["id"].strip() for p in pairs.values() if p["id"]}
    employee = (attr or texts.get("anstid") or "").strip()
    return (
        employee,
        *(texts.get(f) for f in TEXT_FIELDS),
        objects.get(case_dim),
        objects.get(cc_dim),
    )


def _form_exprs(form: Form, columns: list[str], case_dim: str, cc_dim: str) -> list[pl.Expr]:
    """The raw columns (``RAW_COLUMNS`` after key and line) of a form's matched records."""

    def value(column: str) -> pl.Expr:
        stripped = pl.col(column).str.strip_chars()
        return pl.when(stripped != "").then(stripped)

    def last(columns: list[str]) -> pl.Expr:
        if not columns:
            return pl.lit(None, dtype=pl.String)
        return pl.coalesce([value(c) for c in reversed(columns)])

    texts: dict[str, list[str]] = {}
    attr = None
    pairs: dict[str, dict[str, str]] = {}
    for (role, name), column in zip(form.roles, columns, strict=True):
        if role == "attr":
            attr = column
        elif role == "text":
            texts.setdefault(name, []).append(column)
        else:
            pairs.setdefault(name, {})[role] = column
    child = pl.coalesce([last(texts.get("anstid", [])), pl.lit("")])
    employee = (
        child
        if attr is None
        else pl.when(pl.col(attr) != "").then(pl.col(attr).str.strip_chars()).otherwise(child)
    )

    def objects(dim: str) -> pl.Expr:
        expr = pl.lit(None, dtype=pl.String)
        for pair in pairs.values():  # in order: the last one of the dimension wins
            d, i = pl.col(pair["dim"]), pl.col(pair["id"])
            expr = (
                pl.when((d.str.strip_chars() == dim) & (i != "")).then(i.str.strip_chars())
            ).otherwise(expr)
        return expr

    return [
        employee,
        *(last(texts.get(f, [])) for f in TEXT_FIELDS),
        objects(case_dim),
        objects(cc_dim),
    ]


# ---------------------------------------------------------------- the scan


@dataclass
class Person:
    """A <person> read with lxml, for the general reader's code."""

    element: Any
    line: int
    key: int


class Scanner:
    """Reads one plain PAXml document: ``run`` yields polars frames of raw ``<tidtrans>``
    rows (``RAW_COLUMNS``, in file order) and ``Person`` records."""

    def __init__(self, data: bytes, case_dim: str, cost_center_dim: str) -> None:
        self.data = data
        self.case_dim, self.cost_center_dim = case_dim, cost_center_dim
        self.codec, root = _outline(data)
        self.body = root.end()
        attrs = root.group(1).decode(self.codec).replace("\r", " ").replace("\n", " ")
        self.wrap = f"<paxml{attrs}>"  # the root, on one line, around a record read alone
        self.parser = etree.XMLParser(remove_comments=True, remove_pis=True, **PARSER_OPTIONS)
        self.forms: list[Form] = []
        self.failed: set[str] = set()
        self.regex: re.Pattern[str] | None = None
        self.one_by_one = 0

    def run(self) -> Iterator[pl.DataFrame | Person]:
        """The records in file order; ``NotPlain`` (at the latest at the end, once the
        parser's check is in) when the general reader must read the file."""
        check = _Check(self.data)
        try:
            line = 1 + self.data.count(b"\n", 0, self.body)
            for number, (start, end) in enumerate(_chunks(self.data, self.body)):
                try:
                    text = self.data[start:end].decode(self.codec)
                except UnicodeDecodeError:
                    raise NotPlain from None
                ends = self.data.count(b"\n", start, end)
                yield from self._chunk(text, number << _CHUNK_SHIFT, line, ends)
                line += ends
        finally:
            check.result()

    def _split(self, text: str) -> list[str | None]:
        if self.regex is None:
            return [text]
        return self.regex.split(text)

    def _learn(self, gaps: list[str], holes: list[int]) -> bool:
        """Learn the form of the first record of a new form in the gaps; True if one was."""
        for j in holes:
            gap = gaps[j]
            for a, b, name in _records(gap):
                if name != "tidtrans":
                    continue
                record = gap[a:b]
                form = learn(record)
                known = form is not None and any(f.pattern == form.pattern for f in self.forms)
                if form is None or known or form.pattern in self.failed:
                    continue
                element = self._parse(record)
                m = re.fullmatch(form.pattern, record)
                assert m is not None
                lxml_says = raw_row(element, 0, 0, self.case_dim, self.cost_center_dim)[2:]
                if form_values(form, m.groups(), self.case_dim, self.cost_center_dim) != (
                    lxml_says
                ):
                    self.failed.add(form.pattern)
                    continue
                self.forms.append(form)
                self.regex = re.compile("|".join(f"(){f.pattern}" for f in self.forms))
                return True
        return False

    def _chunk(self, text: str, base: int, line: int, ends: int) -> Iterator[pl.DataFrame | Person]:
        while True:
            parts = self._split(text)
            k = (self.regex.groups if self.regex else 0) + 1
            gaps: list[str] = parts[0::k]  # type: ignore[assignment]
            between = "".join(gaps)  # what no form matched (no tag spans two gaps)
            holes = []
            if _START.search(between):
                holes = [j for j, g in enumerate(gaps) if "<" in g and _START.search(g)]
            if not holes or len(self.forms) >= MAX_FORMS or not self._learn(gaps, holes):
                break
        if _NOT_PLAIN.search(between):
            raise NotPlain
        n = (len(parts) - 1) // k
        gap_lines = pl.Series(gaps, dtype=pl.String).str.count_matches("\n", literal=True)
        frame, form_lines = self._matched(parts, k, n, gap_lines[:n], base, line)
        if int(gap_lines.sum()) + int(form_lines.sum()) != ends:
            raise NotPlain  # a value held a line end after all (cannot happen)
        alone: list[tuple[int | str | None, ...]] = []
        if holes:
            before = (gap_lines[:n] + form_lines).cast(pl.Int64).cum_sum().to_list()
            for j in holes:
                first = line + (before[j - 1] if j else 0)
                key = base | (2 * j) << _SLOT_SHIFT
                yield from self._alone(gaps[j], key, first, alone)
        if alone:
            frame = pl.concat([frame, pl.DataFrame(alone, schema=RAW_SCHEMA, orient="row")])
            frame = frame.sort("key")
        if frame.height:
            yield frame

    def _matched(
        self, parts: list[str | None], k: int, n: int, gap_lines: pl.Series, base: int, line: int
    ) -> tuple[pl.DataFrame, pl.Series]:
        """The raw rows of the records matched by a form, and each one's line ends."""
        if n == 0:
            return pl.DataFrame(schema=RAW_SCHEMA), pl.Series([], dtype=pl.Int64)
        columns = {f"g{g}": pl.Series(f"g{g}", parts[g::k], dtype=pl.String) for g in range(1, k)}
        frame = pl.DataFrame({"_gap": gap_lines.cast(pl.Int64), **columns})
        # Each form's values, only for the forms in this chunk (the marker group of a form is
        # "" where it matched): one form alone needs no choosing.
        chosen: list[tuple[pl.Expr, Form, list[pl.Expr]]] = []
        g = 1
        for f in self.forms:
            marker = columns[f"g{g}"]
            names = [f"g{g + 1 + i}" for i in range(len(f.roles))]
            g += 1 + len(f.roles)
            if marker.null_count() < n:
                exprs = _form_exprs(f, names, self.case_dim, self.cost_center_dim)
                chosen.append((pl.col(marker.name).is_not_null(), f, exprs))
        if len(chosen) == 1:
            _, f, values = chosen[0]
            record_lines = pl.lit(f.lines, dtype=pl.Int64)
            start_lines = pl.lit(f.start_lines, dtype=pl.Int64)
        else:
            values = [
                pl.coalesce([pl.when(m).then(exprs[c]) for m, _, exprs in chosen])
                for c in range(len(RAW_COLUMNS) - 2)
            ]
            record_lines = pl.coalesce([pl.when(m).then(pl.lit(f.lines)) for m, f, _ in chosen])
            start_lines = pl.coalesce(
                [pl.when(m).then(pl.lit(f.start_lines)) for m, f, _ in chosen]
            )
        slots = (pl.int_range(0, n, dtype=pl.Int64) * 2 + 1) * (1 << _SLOT_SHIFT) + base
        ends = (pl.col("_gap") + record_lines).cum_sum()
        out = frame.select(
            slots.alias("key"),
            (line + ends - record_lines + start_lines).cast(pl.Int64).alias("line"),
            *(v.alias(name) for v, name in zip(values, RAW_COLUMNS[2:], strict=True)),
            record_lines.cast(pl.Int64).alias("_lines"),
        )
        return out.drop("_lines"), out.get_column("_lines")

    def _alone(
        self, gap: str, key: int, line: int, rows: list[tuple[int | str | None, ...]]
    ) -> Iterator[Person]:
        """Records of no form in one gap, read one by one with lxml."""
        for r, (a, b, name) in enumerate(_records(gap)):
            element = self._parse(gap[a:b])
            at = line + gap.count("\n", 0, a) + element.sourceline - 1
            if name == "person":
                yield Person(element, at, key + r)
                continue
            self.one_by_one += 1
            if self.one_by_one > MAX_ONE_BY_ONE:
                raise NotPlain
            rows.append(raw_row(element, key + r, at, self.case_dim, self.cost_center_dim))

    def _parse(self, record: str) -> Any:
        try:
            return etree.fromstring(self.wrap + record + "</paxml>", self.parser)[0]
        except etree.XMLSyntaxError:
            raise NotPlain from None  # the check of the whole file says where


def _records(gap: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of each record in a piece of the file between matched records."""
    pos = 0
    while m := _START.search(gap, pos):
        tag = _START_TAG.match(gap, m.start())
        if tag is None:
            raise NotPlain
        name = tag.group(1)
        end = tag.end()
        if not tag.group(3):
            close = _END_TAG[name].search(gap, end)
            if close is None or _START.search(gap, end, close.start()):
                raise NotPlain  # cut by a chunk's end (a record inside another), or nested
            end = close.end()
        yield m.start(), end, name
        pos = end
