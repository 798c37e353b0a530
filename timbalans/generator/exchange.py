"""The demo's time, absences and ledger in the exchange formats a department really has.

``write_exchange(folder)`` turns a generated canonical folder's ``worked`` and ``absences``
into one PAXml 2.x file (``paxml_tid.xml``, ISO-8859-1) and its ``ledger`` into one SIE 4
file (``sie4_bokforing.se``, PC8), and removes those three canonical files; the rest stays
canonical. Read back by ``timbalans.ingest`` the folder gives the same canonical rows, so the
figures are the same (the round-trip test checks it):

* a worked row is a ``<tidtrans>`` with ``starttid``/``sluttid`` and ``timmar`` = paid hours
  (elapsed real time minus the break, two decimals, as payroll exports write them), the case
  as dimension 6 and its unit's cost centre as dimension 1; its ``tidkod`` is the default
  code of its time type;
* an absence is a ``<tidtrans>`` with ``datumfrom``/``datumtom`` (``starttid``/``sluttid``
  for a part of a day), ``omfattning`` and ``timmar`` when given;
* the ledger becomes one verification per month and cost centre, dated the first of the
  month, balanced against bank account 1930 (a balance account: skipped when read).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from timbalans.ingest.schema import TZ

PAXML_FILE = "paxml_tid.xml"
SIE_FILE = "sie4_bokforing.se"
BALANCE_ACCOUNT = "1930"
WORKED_CODES = {
    "ordinary": "ARB",
    "additional": "MER",
    "overtime_simple": "ÖT1",
    "overtime_qualified": "ÖT2",
    "on_call": "JR",
    "standby": "BE",
}
ABSENCE_CODES = {
    "sick": "SJK",
    "vacation": "SEM",
    "child_care": "VAB",
    "parental": "FPE",
    "leave": "TJL",
    "other": "ATF",
}


def _read(folder: Path, table: str) -> tuple[pl.DataFrame, Path]:
    """A generated table as strings, and its file."""
    csv, parquet = folder / f"{table}.csv", folder / f"{table}.parquet"
    if csv.exists():
        return pl.read_csv(csv, separator=";", infer_schema=False), csv
    frame = pl.read_parquet(parquet)
    return frame.with_columns(pl.all().cast(pl.String)), parquet


def _xml_stamp(col: str) -> pl.Expr:
    return pl.col(col).str.replace(" ", "T") + ":00"


def _worked_xml(worked: pl.DataFrame, units: pl.DataFrame, cases: pl.DataFrame) -> pl.Series:
    centre = cases.select("case_id", "unit_id").join(
        units.select("unit_id", "cost_center"), on="unit_id"
    )
    frame = worked.join(centre.select("case_id", "cost_center"), on="case_id", how="left")

    def instant(col: str) -> pl.Expr:
        return (
            pl.col(col)
            .str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M")
            .dt.replace_time_zone(TZ, ambiguous="earliest")
        )

    minutes = (instant("end") - instant("start")).dt.total_minutes()
    paid = (minutes - pl.col("break_minutes").cast(pl.Int64).fill_null(0)) / 60
    code = pl.col("time_type").replace_strict(WORKED_CODES)
    return frame.select(
        pl.concat_str(
            [
                pl.lit('<tidtrans anstid="'),
                pl.col("employee_id"),
                pl.lit('"><tidkod>'),
                code,
                pl.lit("</tidkod><datum>"),
                pl.col("start").str.slice(0, 10),
                pl.lit("</datum><timmar>"),
                paid.round(2).map_elements(lambda x: f"{x:.2f}", return_dtype=pl.String),
                pl.lit("</timmar><starttid>"),
                _xml_stamp("start"),
                pl.lit("</starttid><sluttid>"),
                _xml_stamp("end"),
                pl.lit('</sluttid><resenheter><resenhet dim="1" id="'),
                pl.col("cost_center"),
                pl.lit('"/><resenhet dim="6" id="'),
                pl.col("case_id"),
                pl.lit('"/></resenheter></tidtrans>'),
            ]
        ).alias("xml")
    ).get_column("xml")


def _absences_xml(absences: pl.DataFrame) -> pl.Series:
    timed = pl.col("start").str.contains(" ")
    code = pl.col("type").replace_strict(ABSENCE_CODES)
    dates = (
        pl.when(timed)
        .then(
            pl.concat_str(
                [
                    pl.lit("<starttid>"),
                    _xml_stamp("start"),
                    pl.lit("</starttid><sluttid>"),
                    _xml_stamp("end"),
                    pl.lit("</sluttid>"),
                ]
            )
        )
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("<datumfrom>"),
                    pl.col("start"),
                    pl.lit("</datumfrom><datumtom>"),
                    pl.col("end"),
                    pl.lit("</datumtom>"),
                ]
            )
        )
    )
    optional = [
        pl.when(pl.col(c).is_not_null())
        .then(pl.concat_str([pl.lit(f"<{e}>"), pl.col(c), pl.lit(f"</{e}>")]))
        .otherwise(pl.lit(""))
        for c, e in (("extent_percent", "omfattning"), ("hours", "timmar"))
    ]
    return absences.select(
        pl.concat_str(
            [
                pl.lit('<tidtrans anstid="'),
                pl.col("employee_id"),
                pl.lit('"><tidkod>'),
                code,
                pl.lit("</tidkod>"),
                dates,
                *optional,
                pl.lit("</tidtrans>"),
            ]
        ).alias("xml")
    ).get_column("xml")


def write_paxml(
    path: Path,
    worked: pl.DataFrame,
    absences: pl.DataFrame,
    units: pl.DataFrame,
    cases: pl.DataFrame,
) -> None:
    rows = pl.concat([_worked_xml(worked, units, cases), _absences_xml(absences)])
    with path.open("w", encoding="iso-8859-1", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="ISO-8859-1"?>\n')
        out.write('<paxml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n')
        out.write("<header><format>LÖNIN</format><version>2.0</version></header>\n")
        out.write("<tidtransaktioner>\n")
        for chunk in rows.to_frame().iter_slices(50_000):
            out.write("\n".join(chunk.get_column("xml").to_list()))
            out.write("\n")
        out.write("</tidtransaktioner>\n</paxml>\n")


def _quote(text: str | None) -> str:
    return '"' + (text or "").replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_sie(path: Path, ledger: pl.DataFrame) -> None:
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Timbalans demo" 1',
        "#KPTYP EUBAS97",
        '#DIM 1 "Ansvar"',
        '#DIM 6 "Projekt"',
    ]
    groups = ledger.group_by(["month", "cost_center"], maintain_order=True)
    for number, ((month, centre), group) in enumerate(groups, start=1):
        day = f"{month}".replace("-", "") + "01"
        lines.append(f'#VER A {number} {day} "Lön och intäkter {month} ansvar {centre}"')
        lines.append("{")
        total = Decimal(0)
        for _, _, case, account, amount, text in group.iter_rows():
            objects = f'1 "{centre}"' + (f' 6 "{case}"' if case else "")
            lines.append(f'\t#TRANS {account} {{{objects}}} {amount} "" {_quote(text)}')
            total += Decimal(amount)
        lines.append(f'\t#TRANS {BALANCE_ACCOUNT} {{}} {-total} "" "Motkonto"')
        lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="cp437", newline="\r\n")


def write_exchange(folder: Path) -> dict[str, int]:
    """Replace a generated folder's worked, absences and ledger by PAXml and SIE 4 files."""
    folder = Path(folder)
    worked, worked_file = _read(folder, "worked")
    absences, absences_file = _read(folder, "absences")
    ledger, ledger_file = _read(folder, "ledger")
    units, _ = _read(folder, "units")
    cases, _ = _read(folder, "cases")
    write_paxml(folder / PAXML_FILE, worked, absences, units, cases)
    write_sie(folder / SIE_FILE, ledger)
    for f in (worked_file, absences_file, ledger_file):
        f.unlink()
    return {PAXML_FILE: worked.height + absences.height, SIE_FILE: ledger.height}
