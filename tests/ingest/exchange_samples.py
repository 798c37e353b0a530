"""One small department's time, absence and ledger, written both canonically and as the
exchange files a department really has (PAXml, SIE 4), for the exchange tests."""

from __future__ import annotations

from pathlib import Path

from tests.builders import write_set

# Canonical: a day with a one-hour break, a night across the change to summer time (9 clock
# hours, 8 real hours), a second day with a break; a three-day sick absence; two ledger rows.
WORKED = (
    "case_id;employee_id;start;end;break_minutes;time_type\n"
    "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"
    "51357;E2;2025-03-29 22:00;2025-03-30 07:00;0;ordinary\n"
    "51470;E1;2025-02-10 07:00;2025-02-10 16:00;30;overtime_qualified\n"
)
ABSENCES = "employee_id;start;end;type;extent_percent;hours\nE1;2025-02-03;2025-02-05;sick;100;\n"
LEDGER = (
    "month;cost_center;case_id;account;amount;text\n"
    "2025-01;81515;51470;3010;-1000.50;Assistansersättning\n"
    "2025-01;81515;;5010;2000;Månadslön\n"
)


def tidtrans(
    anstid: str,
    code: str,
    *,
    start: str | None = None,
    end: str | None = None,
    hours: str | None = None,
    case: str | None = None,
    centre: str | None = None,
    extra: str = "",
) -> str:
    """One ``<tidtrans>`` on one line."""
    parts = [f'<tidtrans anstid="{anstid}"><tidkod>{code}</tidkod>']
    if hours is not None:
        parts.append(f"<timmar>{hours}</timmar>")
    if start:
        parts.append(f"<starttid>{start}</starttid><sluttid>{end}</sluttid>")
    parts.append(extra)
    objects = (f'<resenhet dim="1" id="{centre}"/>' if centre else "") + (
        f'<resenhet dim="6" id="{case}"/>' if case else ""
    )
    if objects:
        parts.append(f"<resenheter>{objects}</resenheter>")
    parts.append("</tidtrans>")
    return "".join(parts)


def paxml(*rows: str, encoding: str = "UTF-8", personal: str = "") -> bytes:
    """A PAXml document: line 1 the declaration, line 5 the first ``<tidtrans>``."""
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        "<paxml>\n"
        "<header><format>LÖNIN</format><version>2.0</version></header>\n"
        "<tidtransaktioner>\n" + "".join(r + "\n" for r in rows) + "</tidtransaktioner>\n"
        f"{personal}</paxml>\n"
    )
    return text.encode("iso-8859-1" if encoding.upper() == "ISO-8859-1" else "utf-8")


# The same time and absence as WORKED and ABSENCES, plus an OB row (skipped and counted).
PAXML_ROWS = (
    tidtrans(
        "E1",
        "ARB",
        start="2025-01-10T07:00:00",
        end="2025-01-10T16:00:00",
        hours="8.00",
        case="51470",
        centre="81515",
    ),
    tidtrans(
        "E2",
        "arb",
        start="2025-03-29T22:00:00",
        end="2025-03-30T07:00:00",
        hours="8.00",
        case="51357",
        centre="81516",
    ),
    tidtrans("E2", "OB1", hours="3.00", case="51357"),
    tidtrans(
        "E1",
        "ÖT2",
        start="2025-02-10T07:00:00",
        end="2025-02-10T16:00:00",
        hours="8.50",
        case="51470",
    ),
    tidtrans("E1", "SJK", extra="<datumfrom>2025-02-03</datumfrom><datumtom>2025-02-05</datumtom>"),
)


def sie(*body: str, fmt: str = "PC8", encoding: str = "cp437") -> bytes:
    """An SIE 4 file: six header lines, then ``body`` from line 7."""
    head = [
        "#FLAGGA 0",
        f"#FORMAT {fmt}",
        "#SIETYP 4",
        '#PROGRAM "Ekonomisystemet" 1.0',
        '#DIM 1 "Ansvar"',
        '#DIM 6 "Projekt"',
    ]
    return ("\r\n".join([*head, *body]) + "\r\n").encode(encoding)


# The same ledger as LEDGER, balanced against the bank (1930, skipped) in one verification.
SIE_BODY = (
    '#VER A 1 20250131 "Januari"',
    "{",
    '\t#TRANS 3010 {1 "81515" 6 "51470"} -1000.50 "" "Assistansersättning"',
    '\t#TRANS 5010 {1 "81515"} 2000.00 20250115 "Månadslön"',
    "\t#TRANS 1930 {} -999.50",
    "}",
)


def write_exchange_set(directory: Path) -> Path:
    """BASE's reference tables, with time and absence as PAXml and the ledger as SIE 4."""
    write_set(directory, worked=None, ledger=None)
    (directory / "tid_januari.xml").write_bytes(paxml(*PAXML_ROWS))
    (directory / "bokforing.se").write_bytes(sie(*SIE_BODY))
    return directory


def write_canonical_set(directory: Path) -> Path:
    return write_set(directory, worked=WORKED, absences=ABSENCES, ledger=LEDGER)


# One ordinary day, 07:00-16:00 with timmar 8 (an hour's break), on case 51470.
DAY_ROW = PAXML_ROWS[0]
