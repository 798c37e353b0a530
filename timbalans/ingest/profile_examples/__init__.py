"""Example mapping profiles shipped with Timbalans (web/guide/import.md): copy one next to the
data as ``NAME.profile.toml`` and change the column names to those of your own export."""
