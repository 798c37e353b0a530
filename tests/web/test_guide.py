"""The in-app guide (Så räknas siffrorna): timbalans/web/guide/berakningar.md, in Swedish, with
the anchors the pages link to and every figure column explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from timbalans.figures import (
    absence,
    absence_cases,
    backtest,
    capacity,
    case_economics,
    continuity,
    coverage,
    deviations,
    fk_check,
    forecast,
    hour_balance,
    limits,
    overtime,
    savings,
    structure,
)
from timbalans.figures.labels import VALUE_LABELS, column_label
from timbalans.figures.settings import FigureSettings
from timbalans.web import guides
from timbalans.web.views import guide as guide_view

ROOT = Path(__file__).resolve().parents[2]
GUIDE = guides.GUIDES / guides.FIGURES
TEMPLATES = ROOT / "timbalans"
PAGES = ROOT / "timbalans" / "web" / "views" / "pages.py"

TABLE_HEADINGS = (
    "Gemensamma regler",
    "hour-balance (timbalans)",
    "coverage (övertäckning)",
    "capacity",
    "overtime",
    "absence",
    "case-economics (ärendeekonomi)",
    "savings (effekt av åtgärder)",
    "forecast (helårsprognos)",
    "Satser och OB",
    "Inställningar",
)
LINKED = {
    "hour-balance-timbalans",
    "capacity",
    "overtime",
    "absence",
    "fk-check-tidredovisning",
    "deviations-avvikelser",
    "absence-cases-sjukfranvaro-per-arende",
    "limits-arbetstidsgranser",
    "forecast-helarsprognos",
    "staffing-backtest-vad-prioriteringsordningen-hade-sparat",
    "staffing-structure-personalstruktur",
}

COLUMNS = {
    "hour-balance": hour_balance.COLUMNS,
    "coverage": coverage.COLUMNS,
    "capacity": capacity.COLUMNS,
    "overtime": overtime.COLUMNS,
    "absence": absence.COLUMNS,
    "absence-employees": absence.EMPLOYEE_COLUMNS,
    "case-economics": case_economics.COLUMNS,
    "savings": savings.COLUMNS,
    "fk-check": fk_check.COLUMNS,
    "deviations": deviations.COLUMNS,
    "absence-cases": absence_cases.COLUMNS,
    "limits": limits.COLUMNS,
    "forecast": forecast.COLUMNS,
    "staffing-backtest": backtest.COLUMNS,
    "continuity": continuity.COLUMNS,
    "worklist": (*hour_balance.WORKLIST_COLUMNS, "forecast_over_hours", "forecast_under_hours"),
    "staffing-structure": structure.COLUMNS,
}


def linked_anchors() -> set[str]:
    """Every #anchor of the guide's URL in the templates and the pages' ``guide=``."""
    found: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        found |= set(re.findall(r"url 'web:guide' %\}#([\w-]+)", template.read_text("utf-8")))
    found |= set(re.findall(r'guide="([\w-]+)"', PAGES.read_text("utf-8")))
    return found


@pytest.mark.django_db
def test_the_guide_is_the_swedish_one_with_a_heading_per_table(as_user):
    response = as_user("chef").get("/berakningar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Så räknas siffrorna</h1>" in html
    assert 'lang="en"' not in html
    headings = [
        re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2 id=\"[^\"]+\">(.*?)</h2>", html)
    ]
    assert [h for h in headings if h in TABLE_HEADINGS] == list(TABLE_HEADINGS)
    assert "Beviljade timmar" in html and "avräkningsperiod" in html


def test_the_templates_link_to_the_anchors_we_know():
    # If this fails, a page links to a new anchor: add it to LINKED and to the guide.
    assert linked_anchors() == LINKED


@pytest.mark.django_db
@pytest.mark.parametrize("anchor", sorted(LINKED))
def test_every_anchor_the_pages_link_to_is_a_heading_of_the_guide(anchor, as_user):
    html = as_user("samordnare").get("/berakningar/").content.decode()
    assert re.search(rf'<h2 id="{anchor}">', html), anchor


@pytest.mark.django_db
def test_a_missing_guide_says_so_in_swedish(as_user, monkeypatch, tmp_path):
    monkeypatch.setattr(guides, "GUIDES", tmp_path)
    guides.guide_html.cache_clear()
    try:
        html = as_user("chef").get("/berakningar/").content.decode()
    finally:
        guides.guide_html.cache_clear()
    assert guide_view.MISSING in html


@pytest.mark.parametrize(
    ("table", "column"),
    [(t, c) for t, columns in COLUMNS.items() for c in columns],
)
def test_every_figure_column_is_explained_beside_its_swedish_label(table, column):
    lines = GUIDE.read_text("utf-8").splitlines()
    label = column_label(column)
    assert any(f"`{column}`" in line and label in line for line in lines), (
        f"{table}: the guide has no line with `{column}` and its label {label!r}"
    )


@pytest.mark.parametrize("area", savings.AREAS)
def test_every_savings_area_is_explained_beside_its_swedish_name(area):
    lines = GUIDE.read_text("utf-8").splitlines()
    assert any(f"`{area}`" in line and VALUE_LABELS[area] in line for line in lines), area


@pytest.mark.parametrize(
    "code", ["overtime_4w", "overtime_month", "overtime_year", "additional_year"]
)
def test_every_working_time_limit_is_explained_beside_its_swedish_name(code):
    lines = GUIDE.read_text("utf-8").splitlines()
    assert any(f"`{code}`" in line and VALUE_LABELS[code] in line for line in lines), code


@pytest.mark.parametrize("key", sorted(k for k in FigureSettings().describe() if k != "source"))
def test_every_setting_is_in_the_guides_settings_table(key):
    settings_part = GUIDE.read_text("utf-8").split("\n## Inställningar\n", 1)[1]
    assert f"| `{key}` |" in settings_part, key
