"""case-economics: worked time in pieces of one date and OB category, and its cost."""

from __future__ import annotations

import datetime as dt

import polars as pl

from timbalans.core.intervals import cut_off_after, midnight_after
from timbalans.core.ob import ob_split, with_ob_amount
from timbalans.core.rates import RateSet, with_overtime_factor
from timbalans.figures.case_economics.base import (
    OB_TIME_TYPES,
    SUM_SCHEMA,
    WORK,
    case_units,
)
from timbalans.figures.common import (
    counting_factor,
    month_labels,
)
from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings
from timbalans.figures.staff import concurrent_split, employment_on, overlapping


def worked_ob_pieces(
    frames: Frames, settings: FigureSettings, first: dt.date, last_fact: dt.date
) -> pl.DataFrame:
    """Worked time of ``first``..``last_fact`` (up to D) in pieces of one date and OB category.

    Columns of worked plus ``hours``, ``date``, ``ob_category``, ``month``, ``counted_hours``,
    the employment in force (:func:`timbalans.figures.staff.employment_on`) and ``category``
    (``ordinary``/``additional``/``overtime``/``hourly``/``other``, as in the overtime table).
    Remembered per frames, days, counting factors and rates: the table and the savings' bought
    hours split the same worked time.
    """
    key = (
        "worked_ob_pieces",
        first,
        last_fact,
        settings.on_call_factor,
        settings.standby_factor,
        settings.rates,
    )
    return frames.derived(key, lambda: _worked_ob_pieces(frames, settings, first, last_fact))


def _worked_ob_pieces(
    frames: Frames, settings: FigureSettings, first: dt.date, last_fact: dt.date
) -> pl.DataFrame:
    if last_fact < first:
        worked = frames.worked.clear()
    else:
        worked = overlapping(frames.worked, first, last_fact)
    worked = cut_off_after(worked, midnight_after(last_fact))
    pieces = ob_split(worked, settings.rates.ob_windows)
    pieces = pieces.filter(
        (pl.col("date") >= pl.lit(first, pl.Date)) & (pl.col("date") <= pl.lit(last_fact, pl.Date))
    )
    pieces = pieces.with_columns(
        month_labels(pieces["date"]).alias("month"),
        (pl.col("hours") * counting_factor(settings)).alias("counted_hours"),
    )
    pieces = concurrent_split(frames, employment_on(frames, pieces))
    t, form = pl.col("time_type"), pl.col("form_class")
    category = (
        pl.when(form == "hourly")
        .then(pl.lit("hourly"))
        .when((t == "ordinary") & (form == "monthly"))
        .then(pl.lit("ordinary"))
        .when((t == "additional") & (form == "monthly"))
        .then(pl.lit("additional"))
        .when(t.is_in(["overtime_simple", "overtime_qualified"]) & (form == "monthly"))
        .then(pl.lit("overtime"))
        .otherwise(pl.lit("other"))
    )
    return pieces.with_columns(category.alias("category"))


def priced_pieces(pieces: pl.DataFrame, rates: RateSet) -> pl.DataFrame:
    """``pieces`` (:func:`worked_ob_pieces`) with ``wage`` and ``ob``: each piece's pay before
    social fees by the computed-cost rules (OB only on ``ordinary`` and ``additional`` time)."""
    priced = with_ob_amount(
        with_overtime_factor(
            rates.join(
                pieces,
                {"__hp": "holiday_pay_rate", "__oc": "on_call_pay", "__sb": "standby_pay"},
            ),
            rates,
            alias="__ot",
        ),
        rates,
    )
    cat, t = pl.col("category"), pl.col("time_type")
    wage = (
        pl.when(cat == "ordinary")
        .then(pl.col("cost_basis") * pl.col("hours"))
        .when(cat == "additional")
        .then(pl.col("cost_basis") * pl.col("hours"))
        .when(cat == "overtime")
        .then(pl.col("cost_basis") * pl.col("hours") * pl.col("__ot"))
        .when(cat == "hourly")
        .then(pl.col("hourly_wage") * (1 + pl.col("__hp")) * pl.col("counted_hours"))
        .when((pl.col("form_class") == "monthly") & (t == "on_call"))
        .then(pl.col("__oc") * pl.col("hours"))
        .when((pl.col("form_class") == "monthly") & (t == "standby"))
        .then(pl.col("__sb") * pl.col("hours"))
        .otherwise(pl.lit(0.0))
        .fill_null(0.0)
    )
    ob_eligible = t.is_in(list(OB_TIME_TYPES)) & pl.col("form_class").is_not_null()
    ob = pl.when(ob_eligible).then(pl.col("ob_amount") * pl.col("hours")).otherwise(0.0)
    return priced.with_columns(wage.alias("wage"), ob.fill_null(0.0).alias("ob"))


def worked_cost_parts(frames: Frames, pieces: pl.DataFrame, rates: RateSet) -> pl.DataFrame:
    """Cost of worked time (wages, OB) and its social fees on the pieces' cases, summed per
    case, month, column and structural (:data:`SUM_SCHEMA`).

    ``pieces`` carry ``__fee``, the social fee rate of their date: each piece's fee is its
    amount × that rate before the sum, so a rate that changes inside a month applies from its
    date.
    """
    priced = priced_pieces(pieces, rates)
    cat = pl.col("category")
    structural = pl.col("structural").fill_null(False)
    column = (
        pl.when(structural & cat.is_in(["ordinary"]))
        .then(pl.lit("training_reassignment"))
        .when(cat == "ordinary")
        .then(pl.lit("salary_monthly"))
        .when(cat == "additional")
        .then(pl.lit("additional_hours"))
        .when(cat == "overtime")
        .then(pl.lit("overtime"))
        .when(cat == "hourly")
        .then(pl.lit("salary_hourly"))
        .otherwise(pl.lit("other_staff"))
    )
    sums = (
        priced.lazy()
        .select(
            "case_id",
            "month",
            column.alias("column"),
            structural.alias("structural"),
            pl.col("wage").alias("w"),
            "ob",
            "__fee",
        )
        .group_by("case_id", "month", "column", "structural")
        .agg(
            pl.col("w").sum(),
            (pl.col("w") * pl.col("__fee")).sum().alias("w_fee"),
            pl.col("ob").sum(),
            (pl.col("ob") * pl.col("__fee")).sum().alias("ob_fee"),
        )
        .join(case_units(frames).lazy(), on="case_id", how="left")
        .collect()
    )
    key = ["case_id", "unit_id", "month"]
    parts = pl.concat(
        [
            sums.select(
                *key, "column", "structural", pl.col("w").alias("amount"), pl.col("w_fee")
            ).rename({"w_fee": "fee_amount"}),
            sums.select(
                *key,
                pl.lit("ob").alias("column"),
                "structural",
                pl.col("ob").alias("amount"),
                pl.col("ob_fee").alias("fee_amount"),
            ),
        ]
    )
    parts = parts.filter(pl.col("amount") != 0).with_columns(pl.lit(WORK).alias("kind"))
    return parts.select(list(SUM_SCHEMA)).cast(SUM_SCHEMA)  # type: ignore[arg-type]
