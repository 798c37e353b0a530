"""Figures at fixed prices: the rates and wages in force on one day, for every day.

A measure's measured effect is compared at the prices in force at the plan's start
(:mod:`timbalans.plans.kpis`), so a rise of the schablon, of the OB amounts or of the wages is
not counted as the measure's effect. :func:`at_prices_of` gives the frames and settings to
compute any figure table at those prices:

* every rate of the rate set holds its value on that day, always (:meth:`RateSet.frozen_on`);
* every employment of an employee who had one in force that day gets that day's
  ``monthly_salary`` and ``hourly_wage`` (where both have one); other attributes (rate,
  form, dates) are untouched, and an employee hired later keeps their own wage.

Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl

from timbalans.figures.frames import Frames
from timbalans.figures.settings import FigureSettings

FAR_FUTURE = dt.date(9999, 12, 31)


def wages_on(employments: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """``employments`` with each employee's wages as in force on ``day`` (see the module)."""
    in_force = (
        employments.filter(
            (pl.col("valid_from") <= day) & (pl.col("valid_to").fill_null(FAR_FUTURE) >= day)
        )
        .sort("valid_from")
        .group_by("employee_id")
        .agg(
            pl.col("monthly_salary").drop_nulls().last().alias("__salary"),
            pl.col("hourly_wage").drop_nulls().last().alias("__wage"),
        )
    )
    return (
        employments.join(in_force, on="employee_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("monthly_salary").is_not_null() & pl.col("__salary").is_not_null())
            .then(pl.col("__salary"))
            .otherwise(pl.col("monthly_salary"))
            .alias("monthly_salary"),
            pl.when(pl.col("hourly_wage").is_not_null() & pl.col("__wage").is_not_null())
            .then(pl.col("__wage"))
            .otherwise(pl.col("hourly_wage"))
            .alias("hourly_wage"),
        )
        .drop("__salary", "__wage")
    )


def at_prices_of(
    frames: Frames, settings: FigureSettings, day: dt.date
) -> tuple[Frames, FigureSettings]:
    """The frames and settings whose figures are at the prices in force on ``day``."""
    tables = frames.as_dict()
    tables["employments"] = wages_on(frames.employments, day)
    fixed = replace(settings, rates=settings.rates.frozen_on(day))
    return Frames.from_dict(tables), fixed


__all__ = ["at_prices_of", "wages_on"]
