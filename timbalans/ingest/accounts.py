"""Mapping ledger accounts to categories through ``accounts`` (single accounts or ranges)."""

from __future__ import annotations

import polars as pl

RANGE_RE = r"^(\d+)-(\d+)$"


def account_categories(accounts: pl.Series, mapping: pl.DataFrame) -> pl.DataFrame:
    """(account, category, structural) for each account; null category when unmapped.

    A single account in ``mapping`` wins over a range; a range ``5010-5099`` covers the
    numeric accounts of the same number of digits from 5010 to 5099 inclusive.
    """
    wanted = pl.DataFrame({"account": accounts.cast(pl.String)}).unique(maintain_order=True)
    exact = mapping.filter(~pl.col("account").str.contains(RANGE_RE))
    ranges = mapping.filter(pl.col("account").str.contains(RANGE_RE)).with_columns(
        pl.col("account").str.extract(RANGE_RE, 1).alias("_first"),
        pl.col("account").str.extract(RANGE_RE, 2).alias("_last"),
    )
    by_exact = wanted.join(
        exact.select("account", "category", "structural"), on="account", how="left"
    )
    in_range = (
        wanted.join(ranges, how="cross", suffix="_r")
        .filter(
            (pl.col("account").str.len_chars() == pl.col("_first").str.len_chars())
            & (pl.col("account") >= pl.col("_first"))
            & (pl.col("account") <= pl.col("_last"))
        )
        .group_by("account", maintain_order=True)
        .agg(pl.col("category").first().alias("_rc"), pl.col("structural").first().alias("_rs"))
    )
    return by_exact.join(in_range, on="account", how="left").select(
        "account",
        pl.coalesce("category", "_rc").alias("category"),
        pl.coalesce("structural", "_rs").alias("structural"),
    )
