"""Core tests: pure functions over polars frames; no database and no Django settings needed."""
