"""Small frames for figure tests, written the way a controller would write them by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl

from timbalans.figures.frames import Frames
from timbalans.ingest.schema import frame_schema

TZ = ZoneInfo("Europe/Stockholm")


def ts(text: str) -> dt.datetime:
    """'2025-01-10 07:00' as an aware local datetime."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def table(name: str, rows: list[dict]) -> pl.DataFrame:
    """A typed frame of ``name`` from dicts; missing optional columns are null/default."""
    schema = frame_schema(name)
    defaults = {
        "break_minutes": 0,
        "kind": "assistance",
        "extent_percent": 100.0,
        "period_months": 6,
        "full_time_hours_per_week": 40.0,
        "status": "ordinary",
        "whole_days": False,
    }
    filled = [{c: r.get(c, defaults.get(c)) for c in schema} for r in rows]
    converted = []
    for r in filled:
        out = {}
        for c, v in r.items():
            if isinstance(v, str) and isinstance(schema[c], pl.Datetime):
                v = ts(v)
            elif isinstance(v, str) and schema[c] == pl.Date:
                v = d(v)
            out[c] = v
        converted.append(out)
    return pl.DataFrame(converted, schema=schema, orient="row")


def frames(**tables: list[dict]) -> Frames:
    return Frames.from_dict({name: table(name, rows) for name, rows in tables.items()})


def worked_row(case, employee, start, end, brk=0, time_type="ordinary"):
    """A worked.csv row as a dict."""
    return {
        "case_id": case,
        "employee_id": employee,
        "start": start,
        "end": end,
        "break_minutes": brk,
        "time_type": time_type,
    }


def shift_row(case, employee, start, end, brk=0, kind="assistance"):
    """A shifts.csv row as a dict."""
    return {
        "case_id": case,
        "employee_id": employee,
        "start": start,
        "end": end,
        "break_minutes": brk,
        "kind": kind,
    }
