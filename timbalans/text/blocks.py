"""Free text as typed in a form, as paragraphs and lists: the documents and the pages show a
plan's texts the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    small: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


def text_blocks(text: str) -> list[Paragraph | Bullets]:
    """Free text as typed in a form: a paragraph per line, lines starting with "- " (or "• ")
    as one bullet list, lines starting with "1. ", "2. " ... as a numbered list."""
    blocks: list[Paragraph | Bullets] = []
    bullets: list[str] = []
    numbered: list[str] = []

    def flush() -> None:
        if bullets:
            blocks.append(Bullets(tuple(bullets)))
            bullets.clear()
        if numbered:
            blocks.append(Bullets(tuple(numbered), numbered=True))
            numbered.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith(("- ", "• ")):
            if numbered:
                flush()
            bullets.append(line[2:].strip())
            continue
        head, _, rest = line.partition(". ")
        if head.isdigit() and rest:
            if bullets:
                flush()
            numbered.append(rest.strip())
            continue
        flush()
        blocks.append(Paragraph(line))
    flush()
    return blocks
