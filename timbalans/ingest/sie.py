"""SIE 4 (sie.se) into canonical raw ledger rows.

A small strict reader (no package on the index reads SIE 4 well enough: the one SIE decoder
there is an unmaintained 0.0.x). What it reads, spec/exchange.md's mapping:

* ``#FORMAT`` names the encoding: PC8 (CP437, the standard and the default), or UTF-8,
  ISO-8859-1, CP1252 as some exports declare; anything else is an error naming its line.
* ``#VER serie nr datum [text]`` then ``{``, ``#TRANS konto {dim objekt ...} belopp
  [transdat] [text] ...`` rows, ``}``. One ledger row per ``#TRANS`` on a result account
  (3000-8999); rows on other accounts are skipped and counted per account.
* ``#RTRANS`` is a row added afterwards and ``#BTRANS`` one removed: by the SIE rules an
  ``#RTRANS`` is followed by a ``#TRANS`` copy of it for older readers, which is not counted
  twice; a ``#BTRANS`` is no longer part of the verification.
* A verification whose rows do not sum to zero, a ``#VER`` without ``}``, a row outside a
  verification are errors naming the line. Fields are split on tabs or spaces, quotes group
  and ``\\"`` escapes; labels may be quoted. ``#KSUMMA`` is not verified.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl

from timbalans.ingest import messages as msg
from timbalans.ingest.exchange import SIE, ExchangeRead, SourceMap
from timbalans.ingest.exchange_options import SieOptions
from timbalans.ingest.problems import Problem
from timbalans.ingest.schema import TABLES

ENCODINGS = {
    "PC8": "cp437",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "ISO-8859-1": "latin-1",
    "ISO8859-1": "latin-1",
    "LATIN1": "latin-1",
    "CP1252": "cp1252",
    "WINDOWS-1252": "cp1252",
}
RESULT_ACCOUNTS = (3000, 8999)
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{)|(\})|([^\s{}"]+)')
_ESCAPE = re.compile(r"\\(.)")
_AMOUNT = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")
_FORMAT = re.compile(rb'^[ \t]*"?#FORMAT"?[ \t]+"?([^"\s]+)"?', re.M | re.I)
ELEMENTS = {
    "month": "#VER datum",
    "cost_center": "#TRANS objekt",
    "case_id": "#TRANS objekt",
    "account": "#TRANS konto",
    "amount": "#TRANS belopp",
    "text": "#TRANS text",
}

Token = tuple[str, str]  # ("text", value) | ("{", "") | ("}", "")


def _tokens(line: str) -> list[Token]:
    out: list[Token] = []
    for quoted, opening, closing, bare in _TOKEN.findall(line):
        if opening:
            out.append(("{", ""))
        elif closing:
            out.append(("}", ""))
        elif bare:
            out.append(("text", bare))
        else:
            out.append(("text", _ESCAPE.sub(r"\1", quoted) if "\\" in quoted else quoted))
    return out


@dataclass
class _Ver:
    line: int
    name: str
    text: str
    month: str | None
    rows: list[tuple[int, str, dict[str, str], str, Decimal, str | None, str]] = field(
        default_factory=list
    )  # (line, account, objects, amount as written, amount, month, text)
    open: bool = False
    copy_of: tuple[str, dict[str, str], str, str | None] | None = None  # a #RTRANS's


class _Reader:
    def __init__(self, name: str, options: SieOptions) -> None:
        self.name = name
        self.options = options
        self.read = ExchangeRead(SIE)
        self.skipped: Counter[str] = Counter()
        self.columns: dict[str, list[str | None]] = {c: [] for c in TABLES["ledger"].names}
        self.lines: list[int] = []
        self.months: dict[str, str] = {}  # transdat -> month, for dates already checked

    def problem(self, line: int, label: str | None, message: str) -> None:
        self.read.problems.append(Problem(self.name, line, label, message))

    def date(self, line: int, value: str) -> date | None:
        try:
            if not re.fullmatch(r"\d{8}", value):
                raise ValueError(value)
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            self.problem(line, "#VER datum", msg.SIE_BAD_DATE.format(value=value))
            return None

    def month(self, line: int, value: str) -> str | None:
        """``YYYY-MM`` of a ``YYYYMMDD`` date, each distinct date checked once."""
        if value not in self.months:
            day = self.date(line, value)
            if day is None:
                return None
            self.months[value] = day.strftime("%Y-%m")
        return self.months[value]

    def parse(self, text: str) -> None:
        ver: _Ver | None = None
        for number, raw_line in enumerate(text.splitlines(), start=1):
            tokens = _tokens(raw_line)
            if not tokens:
                continue
            kind, first = tokens[0]
            if kind == "{":
                if ver is None or ver.open:
                    self.problem(number, None, msg.SIE_NO_OPEN.format(label="{"))
                else:
                    ver.open = True
                continue
            if kind == "}":
                if ver is None or not ver.open:
                    self.problem(number, None, msg.SIE_UNEXPECTED_CLOSE)
                else:
                    self.close(ver)
                ver = None
                continue
            label = first.upper()
            if label == "#VER":
                if ver is not None:
                    self.problem(ver.line, "#VER", msg.SIE_NO_CLOSE.format(ver=ver.name))
                ver = self.ver(number, tokens[1:])
                ver.open = tokens[-1][0] == "{"  # some exports open the block on its line
            elif label in ("#TRANS", "#RTRANS", "#BTRANS"):
                if ver is None or not ver.open:
                    self.problem(number, label, msg.SIE_NO_OPEN.format(label=label[1:]))
                    continue
                self.trans(ver, number, label, tokens[1:])
        if ver is not None:
            self.problem(ver.line, "#VER", msg.SIE_NO_CLOSE.format(ver=ver.name))

    def ver(self, line: int, fields: list[Token]) -> _Ver:
        values = [v for k, v in fields if k == "text"]
        series, number = [*values, "", ""][:2]
        name = " ".join(v for v in (series, number) if v) or f"på rad {line}"
        day = self.date(line, values[2]) if len(values) > 2 else None
        if len(values) <= 2:
            self.problem(line, "#VER datum", msg.SIE_BAD_DATE.format(value=""))
        month = day.strftime("%Y-%m") if day else None
        return _Ver(line, name, values[3] if len(values) > 3 else "", month)

    def trans(self, ver: _Ver, line: int, label: str, fields: list[Token]) -> None:
        if not fields or fields[0][0] != "text":
            self.problem(line, label, msg.SIE_BAD_LINE.format(detail="kontonummer saknas"))
            return
        account = fields[0][1]
        rest = fields[1:]
        objects: dict[str, str] = {}
        if rest and rest[0][0] == "{":
            end = next((i for i, (k, _) in enumerate(rest) if k == "}"), None)
            if end is None:
                self.problem(line, label, msg.SIE_BAD_OBJECTS.format(value=_raw(rest)))
                return
            pairs = [v for _, v in rest[1:end]]
            if len(pairs) % 2:
                self.problem(line, label, msg.SIE_BAD_OBJECTS.format(value=" ".join(pairs)))
                return
            objects = dict(zip(pairs[::2], pairs[1::2], strict=True))
            rest = rest[end + 1 :]
        values = [v for k, v in rest if k == "text"]
        if not values or not _AMOUNT.match(values[0]):
            value = values[0] if values else ""
            self.problem(line, "#TRANS belopp", msg.SIE_BAD_AMOUNT.format(value=value))
            return
        written = values[0]
        try:
            amount = Decimal(written)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            self.problem(line, "#TRANS belopp", msg.SIE_BAD_AMOUNT.format(value=written))
            return
        month = self.month(line, values[1]) if len(values) > 1 and values[1] else ver.month
        text = values[2] if len(values) > 2 and values[2] else ver.text
        key = (account, objects, written, values[1] if len(values) > 1 else None)
        if label == "#BTRANS":
            return  # a removed row is no longer part of the verification
        if label == "#TRANS" and ver.copy_of is not None and ver.copy_of == key:
            ver.copy_of = None  # the #TRANS copy that follows an #RTRANS
            return
        ver.copy_of = key if label == "#RTRANS" else None
        ver.rows.append((line, account, objects, written, amount, month, text))

    def close(self, ver: _Ver) -> None:
        total = sum((r[4] for r in ver.rows), Decimal(0))
        if total != 0:
            self.problem(ver.line, "#VER", msg.SIE_UNBALANCED.format(ver=ver.name, total=total))
            return
        for line, account, objects, written, _, month, text in ver.rows:
            if not (account.isdigit() and RESULT_ACCOUNTS[0] <= int(account) <= RESULT_ACCOUNTS[1]):
                self.skipped[account] += 1
                continue
            row = {
                "month": month,
                "cost_center": objects.get(self.options.cost_center_dim),
                "case_id": objects.get(self.options.case_dim),
                "account": account,
                "amount": written,
                "text": text or None,
            }
            for column, items in self.columns.items():
                items.append(row[column])
            self.lines.append(line)

    def frames(self) -> None:
        if self.lines:
            frame = pl.DataFrame(self.columns, schema=dict.fromkeys(self.columns, pl.String))
            # one #TRANS per line: a row's number is its line
            self.read.frames["ledger"] = (frame, SourceMap(self.lines, self.lines, ELEMENTS))
        self.read.skipped = dict(self.skipped)


def _raw(tokens: list[Token]) -> str:
    return " ".join(v if k == "text" else k for k, v in tokens)


def read_sie(name: str, data: bytes, options: SieOptions | None = None) -> ExchangeRead:
    """Read one SIE 4 file; problems and skipped accounts are in the result, never raised."""
    reader = _Reader(name, options or SieOptions())
    declared = _FORMAT.search(data[:65536])
    label = declared.group(1).decode("latin-1").upper() if declared else "PC8"
    encoding = ENCODINGS.get(label)
    if encoding is None:
        line = data.count(b"\n", 0, declared.start()) + 1 if declared else 1
        reader.problem(line, "#FORMAT", msg.SIE_BAD_FORMAT.format(value=label))
        return reader.read
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        reader.problem(1, "#FORMAT", msg.SIE_UNDECODABLE.format(encoding=label))
        return reader.read
    reader.parse(text.lstrip("\ufeff"))
    reader.frames()
    return reader.read
