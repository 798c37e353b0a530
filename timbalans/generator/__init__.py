"""Demo data generator (model documented below, filled in at the end)."""

from timbalans.generator.core import generate

__all__ = ["generate"]
