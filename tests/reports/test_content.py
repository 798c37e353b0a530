"""Free text into document blocks, and the Swedish number formats of the documents."""

from __future__ import annotations

import datetime as dt

from timbalans.reports import fmt
from timbalans.reports.content import Bullets, Paragraph, text_blocks

NBSP = "\u00a0"


def test_lines_become_paragraphs_and_dash_lines_one_bullet_list():
    blocks = text_blocks("Inledning\n- ett\n- två\nAvslutning")
    assert blocks == [
        Paragraph("Inledning"),
        Bullets(("ett", "två")),
        Paragraph("Avslutning"),
    ]


def test_numbered_lines_become_a_numbered_list():
    blocks = text_blocks("Förslag\n1. Godkänna\n2. Uppdra\n\n- punkt")
    assert blocks == [
        Paragraph("Förslag"),
        Bullets(("Godkänna", "Uppdra"), numbered=True),
        Bullets(("punkt",)),
    ]


def test_empty_text_gives_no_blocks():
    assert text_blocks("") == []
    assert text_blocks("\n  \n") == []


def test_money_is_written_the_swedish_way():
    assert fmt.kr(1234567.4) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert fmt.kr(-219000) == f"\u2212219{NBSP}000{NBSP}kr"
    assert fmt.kr(None) == "–"
    assert fmt.tkr_range(300_000, 400_000) == f"300–400{NBSP}tkr"
    assert fmt.tkr_range(22_000, 22_000) == f"22{NBSP}tkr"
    assert fmt.kr_range(300_000, 400_000) == f"300{NBSP}000 – 400{NBSP}000{NBSP}kr"


def test_hours_percent_and_dates():
    assert fmt.hours(536.84) == f"536,8{NBSP}h"
    assert fmt.pct(20.94) == f"20,9{NBSP}%"
    assert fmt.signed_pct(1.0) == f"+1,0{NBSP}%"
    assert fmt.signed_pct(-50) == f"\u221250,0{NBSP}%"
    assert fmt.date(dt.date(2026, 4, 30)) == "2026-04-30"
