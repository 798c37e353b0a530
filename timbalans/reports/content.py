"""The content of a document, independent of its format.

A builder (``handlingsplan``, ``aterrapportering``) makes a ``Document`` of blocks; the DOCX
and the HTML (and so the PDF) writers render the very same blocks, so the formats cannot say
different things. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    small: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Right-aligned columns (numbers).
    numeric: tuple[bool, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class Image:
    png: bytes
    caption: str
    width_cm: float = 16.0


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Table | Image | PageBreak


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def text(self) -> str:
        """Every word of the document, for tests and search."""
        out = [self.title, self.subtitle]
        for b in self.blocks:
            if isinstance(b, Heading | Paragraph):
                out.append(b.text)
            elif isinstance(b, Bullets):
                out.extend(b.items)
            elif isinstance(b, Table):
                out.append(" ".join(b.headers))
                out.extend(" ".join(r) for r in b.rows)
            elif isinstance(b, Image):
                out.append(b.caption)
        return "\n".join(out)


def text_blocks(text: str) -> list[Block]:
    """Free text as typed in a form: a paragraph per line, lines starting with "- " (or "• ")
    as one bullet list, lines starting with "1. ", "2. " ... as a numbered list."""
    blocks: list[Block] = []
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
