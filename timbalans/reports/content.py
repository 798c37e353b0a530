"""The content of a document, independent of its format.

A builder (``handlingsplan``, ``aterrapportering``) makes a ``Document`` of blocks; the DOCX
and the HTML (and so the PDF) writers render the very same blocks, so the formats cannot say
different things. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Paragraphs and lists are the blocks of typed text as well (the pages show them too).
from timbalans.text.blocks import Bullets, Paragraph, text_blocks

__all__ = [
    "Block",
    "Bullets",
    "Document",
    "Heading",
    "Image",
    "PageBreak",
    "Paragraph",
    "Signatures",
    "Table",
    "text_blocks",
]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


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


@dataclass(frozen=True)
class Signatures:
    """The signatories, each under a line to sign on: "Namn, titel" or a title alone."""

    names: tuple[str, ...]


Block = Heading | Paragraph | Bullets | Table | Image | PageBreak | Signatures


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    # The header fields above the title, (label, value) in order (a board report's nämnd,
    # diarienummer, datum and handläggare).
    header: tuple[tuple[str, str], ...] = ()

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def text(self) -> str:
        """Every word of the document, for tests and search."""
        out = [f"{label}: {value}" for label, value in self.header]
        out += [self.title, self.subtitle]
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
            elif isinstance(b, Signatures):
                out.extend(b.names)
        return "\n".join(out)
