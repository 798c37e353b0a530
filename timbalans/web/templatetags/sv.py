"""Swedish number formats for the pages: 1 234,5; money in kr or tkr; percent with a comma."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from timbalans.text import labels
from timbalans.text.blocks import Bullets, Paragraph, text_blocks
from timbalans.text.numbers import NBSP, number

register = template.Library()


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    return number(value, int(decimals))


@register.filter
def signed(value: Any, decimals: int = 0) -> str:
    """A number with its sign: +1 984, −5 085, 0."""
    text = number(value, int(decimals))
    try:
        positive = float(value) > 0 and text.strip("0,") != ""
    except (TypeError, ValueError):
        return text
    return "+" + text if positive else text


@register.filter
def hours(value: Any) -> str:
    return number(value, 1)


@register.filter
def sek(value: Any) -> str:
    return "–" if number(value) == "–" else number(value) + NBSP + "kr"


@register.filter
def tkr(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return "–" if number(value) == "–" else number(float(value) / 1000) + NBSP + "tkr"


@register.filter
def mkr(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return "–" if number(value) == "–" else number(float(value) / 1e6, 2) + NBSP + "mnkr"


@register.filter
def pct(value: Any, decimals: int = 1) -> str:
    return "–" if number(value) == "–" else number(value, int(decimals)) + NBSP + "%"


@register.filter
def share(value: Any) -> str:
    """A share 0–1 as percent."""
    if value is None or value == "":
        return "–"
    return pct(float(value) * 100)


@register.filter
def yesno_sv(value: Any) -> str:
    if value is None:
        return "–"
    return "ja" if value else "nej"


@register.filter
def isodate(value: Any) -> str:
    """2026-11-23; a time of day after a non-breaking space, so that the two never part (a
    date itself does not break at its hyphens: no line break comes before a digit)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") + NBSP + value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "–" if value is None else str(value)


@register.filter
def label(value: Any, column: str = "") -> str:
    """A raw value (``ledger``, ``monthly_permanent``, ``optimal``) by its Swedish name
    (``text.labels``): ``{{ row.source|label:"source" }}``."""
    return labels.value_label(value, column)


@register.filter
def setting_label(key: Any) -> str:
    return labels.setting_label(str(key))


@register.filter
def setting_value(value: Any) -> str:
    """A setting's or a rate's value as a reader reads it (1,5; 2026: −50)."""
    return labels.setting_value_text(value)


@register.filter
def audit_detail(detail: Any) -> str:
    """An audit entry's details as Swedish text."""
    return labels.detail_text(detail)


@register.filter
def negative(value: Any) -> bool:
    try:
        return float(value) < 0
    except (TypeError, ValueError):
        return False


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def svg(value: str) -> SafeString:
    """A chart rendered on the server (our own vl-convert output, never user input)."""
    return mark_safe(value)  # noqa: S308


@register.filter
def text(value: Any) -> SafeString:
    """Free text as typed in a form, as in the documents: a paragraph per line, "- " lines
    as a bullet list, "1. " lines as a numbered list (``text.blocks.text_blocks``)."""
    parts = []
    for block in text_blocks(str(value or "")):
        if isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.numbered else "ul"
            items = "".join(f"<li>{escape(i)}</li>" for i in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
    return mark_safe("".join(parts))  # noqa: S308 (every text escaped above)
