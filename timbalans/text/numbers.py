"""Swedish numbers, for the pages and the documents alike: 1 234 567,8 with a non-breaking
space between thousands and a true minus sign; a dash for no value."""

from __future__ import annotations

import math
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"


def number(value: Any, decimals: int = 0) -> str:
    """1 234 567,8; a dash for None, an empty string, infinity and NaN."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    v = float(value)
    text = f"{abs(v):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return (MINUS + text) if round(v, decimals) < 0 else text
