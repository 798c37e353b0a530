"""Example mapping profiles shipped with Timbalans (docs/import.md): copy one next to the
data as ``NAME.profile.toml`` and change the column names to those of your own export."""
