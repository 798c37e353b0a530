"""The Swedish guides the app shows: how the figures are computed (``/berakningar/``) and how
an import is prepared (``/import/guide/``).

They live inside the package, in ``timbalans/web/guide/``, and ship as package data
(pyproject.toml), so an installed wheel shows them as a checkout does. The ``toc`` extension
gives every heading an id, which the pages link to."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import markdown

GUIDES = Path(__file__).resolve().parent / "guide"
FIGURES = "berakningar.md"
IMPORT = "import.md"


@lru_cache(maxsize=4)
def guide_html(name: str, missing: str) -> str:
    """The guide ``name`` as HTML, or the paragraph ``missing`` if it is not installed."""
    path = GUIDES / name
    if not path.exists():
        return f"<p>{missing}</p>"
    return markdown.markdown(
        path.read_text(encoding="utf-8"), extensions=["tables", "toc", "fenced_code"]
    )
