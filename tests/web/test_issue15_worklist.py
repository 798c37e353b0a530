"""Issue 15 items 1–3: the case list as a worklist (worst first, planned against needed hours
a week), forecasts that say where the schedule runs out, and colours that mean good or bad.

The department (hand-computed, timbalans/web/guide/berakningar.md, "Arbetslistan"): D =
2026-02-14, every case 10 h/week FK from 1 February in periods of one month, so the period
1–28 February has 40 h granted and 2 weeks left (15–28 February).

| case  | unit  | worked | planned after D            | forecast | deviation        |
| 51470 | 81515 | 16     | 32, to 28 February         | 48       | +8 (+20 %) over  |
| 51472 | 81516 | 16     | 24, to 28 February         | 40       | 0 balanced       |
| 51471 | 81515 | 16     | 20, to 28 February         | 36       | −4 (−10 %) under |
| 51357 | 81516 | 14     | 8, the schedule ends 17 Feb | 22      | −18 (−45 %) under |

51357's pace: 14 h in the 14 days 1–14 February = 1 h/day, on the 11 days 18–28 February:
22 + 11 = 33 h. Overtime year to date: 5.15 h (20 January 2026) against 10 h (22 January
2025): −48.5 % against the 2026 goal of −50 % (the default setting): missed.
"""

from __future__ import annotations

import io
import re

import polars as pl
import pytest

from tests.builders import BASE, write_set
from timbalans.figures import charts
from timbalans.web.tables import overtime_change_tone, tone

pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

AS_OF = "2026-02-14"
PACE = "Prognos i nuvarande takt (timmar)"


def _shifts(case: str, *days_and_hours: tuple[int, str]) -> str:
    return "".join(
        f"S{case}-{day};{case};;2026-02-{day:02d} 07:00;2026-02-{day:02d} {end};0;assistance\n"
        for day, end in days_and_hours
    )


def _worked(case: str, employee: str, end: str) -> str:
    return "".join(
        f"{case};{employee};2026-02-{day:02d} 07:00;2026-02-{day:02d} {end};0;ordinary\n"
        for day in (3, 10)
    )


TABLES = {
    "cases": BASE["cases"] + "51471;81515;assistans_sfb;2024-01-01;;Ärende C\n"
    "51472;81516;assistans_sfb;2024-01-01;;Ärende D\n",
    "decisions": "case_id;payer;hours_per_week;double_hours_per_week;valid_from;valid_to;"
    "period_start;period_months;hourly_rate\n"
    + "".join(
        f"{case};FK;10;;2026-02-01;2026-12-31;2026-02-01;1;\n"
        for case in ("51470", "51357", "51471", "51472")
    ),
    "employees": "employee_id;name;unit_id\nE1;Anna Andersson;81515\nE2;Bo Berg;81516\n"
    "E3;Cecilia Carlsson;81515\nE4;David Dahl;81516\n",
    "employments": BASE["employments"]
    + "E3;hourly;;;;180;2024-01-01;;ordinary\nE4;hourly;;;;180;2024-01-01;;ordinary\n",
    "worked": "case_id;employee_id;start;end;break_minutes;time_type\n"
    + _worked("51470", "E1", "15:00")
    + _worked("51471", "E3", "15:00")
    + _worked("51357", "E2", "14:00")
    + _worked("51472", "E4", "15:00")
    # overtime outside every settlement period: the year to date against the comparison year
    + "51470;E1;2026-01-20 07:00;2026-01-20 12:09;0;overtime_simple\n"
    "51470;E1;2025-01-22 07:00;2025-01-22 17:00;0;overtime_simple\n",
    "shifts": "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
    + _shifts("51470", (17, "15:00"), (20, "15:00"), (24, "15:00"), (28, "15:00"))
    + _shifts("51472", (21, "15:00"), (24, "15:00"), (28, "15:00"))
    + _shifts("51471", (18, "15:00"), (25, "11:00"), (28, "15:00"))
    + _shifts("51357", (17, "15:00")),
}


@pytest.fixture(scope="module")
def department():
    return lambda directory: write_set(directory, **TABLES)


def _get(as_user, role: str, url: str, **params) -> str:
    response = as_user(role).get(url, {"as_of": AS_OF, **params})
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str, table: str) -> list[list[str]]:
    """The cells (text without tags) of the tbody of the table titled ``table``."""
    section = html.split(f">{table}</h2>", 1)[1]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def _headers(html: str, table: str) -> list[str]:
    section = html.split(f">{table}</h2>", 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", section)]


def _column(html: str, table: str, label: str) -> list[str]:
    index = _headers(html, table).index(label)
    return [row[index] for row in _rows(html, table)]


def _cell(html: str, case_id: str, label: str) -> str:
    """The opening tag and text of a case's cell in the column headed ``label`` of the case
    list (the case is its first column)."""
    index = _headers(html, "Ärenden").index(label)
    row = re.search(rf'<tr><td><a href="[^"]*">{case_id}</a></td>(.*?)</tr>', html)
    assert row, case_id
    return re.findall(r"(<td[^>]*>.*?)</td>", row.group(1))[index - 1]


# ---------------------------------------------------------------------------- item 1


def test_the_case_list_opens_with_the_largest_overrun_first(imported, as_user):
    html = _get(as_user, "controller", "/arenden/")
    assert _column(html, "Ärenden", "Ärende") == ["51470", "51472", "51471", "51357"]
    assert _column(html, "Ärenden", "Prognosavvikelse timmar") == [
        "8,0",
        "0,0",
        "\u22124,0",
        "\u221218,0",
    ]
    assert (
        'aria-sort="descending"><a href="?as_of=2026-02-14&amp;sort=forecast_deviation_hours"'
        in (html)
    )


def test_a_unit_managers_list_is_her_cases_worst_first(imported, as_user):
    html = _get(as_user, "chef", "/arenden/")
    assert _column(html, "Ärenden", "Ärende") == ["51470", "51471"]
    html = _get(as_user, "chef", "/enheter/81515/")
    assert _column(html, "Ärenden 81515", "Ärende") == ["51470", "51471"]
    html = _get(as_user, "controller", "/enheter/81516/")
    assert _column(html, "Ärenden 81516", "Ärende") == ["51472", "51357"]


def test_planned_hours_a_week_stand_beside_the_hours_needed_and_what_to_do(imported, as_user):
    html = _get(as_user, "controller", "/arenden/")
    headers = _headers(html, "Ärenden")
    planned = headers.index("Planerat timmar per vecka")
    assert headers[planned + 1 : planned + 3] == [
        "Behov timmar per vecka",
        "Ändring timmar per vecka",
    ]
    rows = {r[0]: r[planned : planned + 3] for r in _rows(html, "Ärenden")}
    assert rows == {
        "51470": ["16,0", "12,0", "minska med 4,0 h/vecka"],
        "51472": ["12,0", "12,0", "ingen ändring"],
        "51471": ["10,0", "12,0", "öka med 2,0 h/vecka"],
        "51357": ["4,0", "13,0", "öka med 9,0 h/vecka (i nuvarande takt: öka med 3,5 h/vecka)"],
    }
    # The change is words: aligned as text (the hours beside it as numbers), sorted as a number.
    assert "<td>minska med 4,0 h/vecka</td>" in html
    assert '<td class="num">16,0</td>' in html
    assert '&amp;sort=-weekly_change_hours"' in html


def _sheet(response, name: str) -> pl.DataFrame:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return pl.read_excel(io.BytesIO(response.content), sheet_name=name)


def test_the_export_keeps_the_pages_order_and_status_filter(imported, as_user):
    client = as_user("controller")
    frame = _sheet(client.get("/arenden/", {"as_of": AS_OF, "format": "xlsx"}), "Ärenden")
    assert frame["Ärende"].to_list() == ["51470", "51472", "51471", "51357"]
    assert frame["Ändring timmar per vecka"].to_list() == pytest.approx([-4.0, 0.0, 2.0, 9.0])
    html = _get(as_user, "controller", "/arenden/", status="under", sort="case_id")
    link = re.search(r'class="export" href="([^"]*)"', html).group(1).replace("&amp;", "&")
    assert link == "?as_of=2026-02-14&sort=case_id&status=under&format=xlsx"
    under = _sheet(client.get("/arenden/" + link), "Ärenden")
    assert under["Ärende"].to_list() == ["51357", "51471"]


def test_the_overview_card_shows_the_hours_over_and_under_apart(imported, as_user):
    html = _get(as_user, "controller", "/")
    assert '<p class="big">1 över · 2 under</p>' in html
    assert '<strong class="periods-over bad">+8,0 h</strong> över beviljade timmar' in html
    assert '<strong class="periods-under warn">\u221222,0 h</strong> under' in html


def test_the_units_show_over_and_under_apart_not_netted(imported, as_user):
    html = _get(as_user, "controller", "/enheter/")
    headers = _headers(html, "Enheter")
    assert "Prognosavvikelse timmar" not in headers
    assert _column(html, "Enheter", "Prognos över beviljat (timmar)") == ["8,0", "0,0"]
    assert _column(html, "Enheter", "Prognos under beviljat (timmar)") == [
        "\u22124,0",
        "\u221218,0",
    ]


# ---------------------------------------------------------------------------- item 2


def test_a_schedule_that_ends_early_is_marked_with_the_pace_forecast_beside(imported, as_user):
    html = _get(as_user, "controller", "/arenden/")
    headers = _headers(html, "Ärenden")
    # the pace forecast stands beside the schedule's forecast
    assert headers.index(PACE) == headers.index("Prognos timmar") + 1
    assert _cell(html, "51357", "Status") == (
        '<td class="status status-unsure">Under, schema saknas efter 2026-02-17'
    )
    assert _cell(html, "51357", "Prognos timmar") == '<td class="num">22,0'
    assert _cell(html, "51357", PACE) == '<td class="num">33,0'
    # a schedule to the period's end: a plain status and no pace forecast
    assert _cell(html, "51471", "Status") == '<td class="status status-under">Under'
    assert _cell(html, "51471", PACE) == '<td class="num">–'


def test_the_case_page_names_the_missing_schedule_and_the_pace(imported, as_user):
    html = _get(as_user, "controller", "/arenden/51357/")
    assert '<span class="status status-unsure">Under, schema saknas efter 2026-02-17</span>' in html
    assert "Schema saknas efter 2026-02-17: prognosen räknar inga timmar efter det. " in html
    assert "I nuvarande takt: 33 h." in html
    # at the pace, 33 h: (40 - 33) / 2 = 3.5 h a week more
    assert (
        '<p class="big">öka med 9,0 h/vecka</p><p>I nuvarande takt: öka med 3,5 h/vecka.</p>'
        in html
    )
    assert "Planerat 4,0 h/vecka, behov 13,0 h/vecka för att landa på beviljat" in html


# ---------------------------------------------------------------------------- item 3


def test_deviations_are_coloured_by_status_not_by_sign(imported, as_user):
    html = _get(as_user, "controller", "/arenden/")
    deviation = "Prognosavvikelse timmar"
    assert _cell(html, "51470", deviation) == '<td class="num bad">8,0'
    assert _cell(html, "51472", deviation) == '<td class="num">0,0'
    assert _cell(html, "51471", deviation) == '<td class="num warn">\u22124,0'
    # under, but the schedule runs out: not known to be under
    assert _cell(html, "51357", deviation) == '<td class="num">\u221218,0'


def test_overtime_down_but_short_of_the_goal_is_not_green(imported, as_user):
    html = _get(as_user, "controller", "/")
    assert (
        '<strong class="warn">\u221248,5\u00a0%</strong>, mål \u221250\u00a0% (inte nått)' in html
    )
    units = _get(as_user, "controller", "/enheter/")
    # the change against the comparison year is one of the columns behind "Fler kolumner"
    assert '<td class="num warn more">\u221248,5\u00a0%</td>' in units


@pytest.mark.parametrize(
    ("change", "goal", "expected"),
    [
        (-81.0, -50.0, "good"),
        (-50.0, -50.0, "good"),
        (-48.5, -50.0, "warn"),
        (12.0, -50.0, "bad"),
        (-3.0, None, "good"),
        (4.0, None, "bad"),
        (None, -50.0, ""),
    ],
)
def test_an_overtime_change_is_good_against_its_goal(change, goal, expected):
    assert overtime_change_tone(change, goal) == expected
    row = {"goal_change_pct": goal}
    assert tone("ytd_change_pct", change, row) == expected


def test_a_result_below_zero_is_bad_and_a_cost_below_zero_has_no_colour():
    assert tone("result", -1.0) == "bad"
    assert tone("result", 5.0) == ""
    assert tone("cost_total", -100.0) == ""
    assert tone("unpaid_hours", 2.0) == "bad"


def test_the_case_charts_caption_names_the_colours_it_draws(imported, as_user):
    html = _get(as_user, "controller", "/arenden/51357/")
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html).group(1)
    svg = html.split('<figure class="chart wide"', 1)[1].split("</figure>", 1)[0]
    assert caption == (
        "Blå heldragen linje: utfört till och med 2026-02-14. "
        "Orange streckad linje: prognos med schemalagd tid. "
        "Lila streckad linje: prognos i nuvarande takt för dagarna efter schemats slut. "
        "Grå prickad linje: jämn takt från 2026-02-14 som landar på beviljade timmar. "
        "Svart heldragen linje: beviljade timmar."
    )
    for series in (*charts.CUMULATIVE_SERIES, charts.GRANTED_RULE):
        assert series.colour.lower() in svg.lower(), series.kind
    # a schedule to the period's end draws no pace line, and the caption names none
    html = _get(as_user, "controller", "/arenden/51471/")
    caption = re.search(r"<figcaption>(.*?)</figcaption>", html).group(1)
    svg = html.split('<figure class="chart wide"', 1)[1].split("</figure>", 1)[0]
    assert "Lila" not in caption and "Blå heldragen linje" in caption
    assert charts.PURPLE.lower() not in svg.lower()
