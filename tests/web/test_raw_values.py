"""No raw values on screen or in documents (issue 15, item 5): every page every role reaches,
and every XLSX, DOCX and PDF they can download, read as a reader would, holds no English code
of the data or the figures, no Python ``None``/``nan`` and no printed dict.

The walk starts at every page of the URL configuration and follows the links (and htmx
requests) of each page it reads, as each role of tests/conftest.py, over the demo department
(the generator's department scale up to D = 2026-11-23) with a unit plan, case plans, a
follow-up, two board reports, a staffing proposal and audit entries of each kind."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, deque
from urllib.parse import parse_qsl, urlencode, urlsplit

import polars as pl
import pytest
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse

from tests.web.raw_values import (
    DOCUMENT_TEXT,
    DOCX,
    PDF,
    XLSX,
    VisibleText,
    docx_text,
    pdf_text,
    raw_in_context,
    raw_tokens,
    visible_text,
    xlsx_text,
)
from timbalans.figures.export import to_xlsx
from timbalans.generator.core import generate

# The roles share the figures they read: the module's data do not change between its tests.
pytestmark = [pytest.mark.django_db, pytest.mark.figures_shared]

D = dt.date(2026, 11, 23)
AS_OF = D.isoformat()
NOT_WALKED = ("/logga-ut/", "/admin/", "/static/", "/oidc/", "/healthz/", "/logga-in/")
# Pages with an id in the path: this many of each (a case, a unit, a plan ...), in link order.
PER_PAGE_WITH_ID = 2
REPORT_KINDS = {"handlingsplan": ("docx", "pdf"), "aterrapportering": ("docx", "pdf")}


# --- the detector finds what it should and nothing else ---------------------------------------


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("Källa: ledger", "ledger"),
        ("Anställning monthly_permanent", "monthly_permanent"),
        ("Status balanced", "balanced"),
        ("Lösning optimal", "optimal"),
        ("Värde None", "None"),
        ("Andel nan %", "nan"),
        ("{'händelse': 'skapad'}", "{'"),
        ("Kolumn forecast_deviation_hours", "forecast_deviation_hours"),
        ("hourly", "hourly"),
        ("(tabellen savings)", "savings"),
    ],
)
def test_the_detector_flags_a_planted_raw_value(text, token):
    assert raw_tokens(f"Ärende 51470 {text} i februari") == [token]


@pytest.mark.parametrize(
    "text",
    [
        "Över 1 984 h och under −5 085 h",
        "Bokföring, beräknad, timavlönad, i balans",
        "Övertid under året: 12,5 h (controller, admin)",
        "Nanna Ek och Nonne Berg",
        "Semester 2026-07-01",
    ],
)
def test_the_detector_passes_swedish_text(text):
    assert raw_tokens(text) == []


def test_the_visible_text_leaves_out_scripts_code_and_marked_raw_previews():
    html = (
        "<html><head><title>Ärende</title><script>var x = None;</script></head><body>"
        "<p>Källa <code>forecast_hours</code></p><div data-raw><table><tr><td>sick</td>"
        '</tr></table></div><img src="a.png" alt="Staplar för hourly"><p>Syns None</p>'
        "</body></html>"
    )
    text = visible_text(html)
    assert "forecast_hours" not in text and "var x" not in text and "sick" not in text
    assert raw_tokens(text) == ["hourly", "None"]


def test_a_planted_raw_value_is_found_in_an_xlsx():
    body = to_xlsx({"Ärenden": pl.DataFrame({"case_id": ["51470"], "payer": ["FK"]})})
    assert raw_tokens(xlsx_text(body)) == []
    body = to_xlsx({"Ärenden": pl.DataFrame({"case_id": ["51470"], "note": ["None"]})})
    assert raw_tokens(xlsx_text(body)) == ["None"]


def test_a_planted_raw_value_is_found_in_a_docx():
    import docx

    document = docx.Document()
    document.add_paragraph("Återrapportering")
    document.add_table(rows=1, cols=2).rows[0].cells[1].text = "ledger"
    out = io.BytesIO()
    document.save(out)
    assert raw_tokens(docx_text(out.getvalue())) == ["ledger"]


def test_a_planted_raw_value_is_found_in_a_pdf():
    from weasyprint import HTML

    body = HTML(string="<p>Källa</p><p>computed</p>").write_pdf()
    assert raw_tokens(pdf_text(body)) == ["computed"]


# --- the walk -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def department():
    def make(directory):
        generate(directory, scale="department", seed=1, until=D)
        return directory

    return make


@pytest.fixture(scope="module")
def walked_data(module_department, module_users, django_db_blocker):
    """What the pages show beyond the import: plans, reports, a staffing proposal, and the
    audit entries of changes made through the pages."""
    from timbalans.accounts.selectors import access_for
    from timbalans.plans import services as plans
    from timbalans.reports import services as reports
    from timbalans.rostering.selectors import staffing_candidates, staffing_open_shifts
    from timbalans.rostering.services import (
        staffing_book,
        staffing_rule_save,
        staffing_run_compute,
        staffing_run_create,
    )

    admin = module_users["admin"]
    with django_db_blocker.unblock():
        access = access_for(user=admin)
        plan = plans.action_plan_create_from_seed(
            access=access, user=admin, unit_id="81515", as_of=D
        )
        plans.follow_up_record(
            access=access,
            user=admin,
            measure=plan.measures.order_by("number")[0],
            date=D,
            status="on_track",
            comment="Schemat ses över.",
            today=D,
        )
        plans.case_plans_create_for_largest_deficits(
            access=access, user=admin, unit_id="81515", as_of=D
        )
        # audit entries of changes: fields from old to new, a list of fields, a rule's switch
        plans.action_plan_update(access=access, user=admin, plan=plan, status="active")
        reports.report_create(access=access, user=admin, unit_id="", as_of=D)
        report = reports.report_create(access=access, user=admin, unit_id="81515", as_of=D)
        reports.report_update(access=access, user=admin, report=report, focus="Övertiden.")
        staffing_rule_save(
            case_id=plan.measures.get(number=2).kpi_cases[0],
            known_only=True,
            window_days=30,
            user=admin,
        )
        run = staffing_run_create(
            user=admin,
            unit_ids=["81515"],
            first=D + dt.timedelta(days=1),
            last=D + dt.timedelta(days=2),
            as_of=D,
            worker={},
        )
        staffing_run_compute(run_id=run.pk, pool="unit")
        # a booking of an open shift outside the proposal (the proposal is still to confirm)
        run.refresh_from_db()
        proposed = {a["shift_id"] for a in run.result["proposal"]["assignments"]}
        shift = next(
            s
            for s in staffing_open_shifts(first=D + dt.timedelta(days=1), as_of=D)
            if s.id not in proposed
        )
        ranking = staffing_candidates(shift_id=shift.id, as_of=D)
        staffing_book(
            shift_id=shift.id, employee_id=ranking.candidates[0].employee_id, user=admin, as_of=D
        )
        client = Client()
        client.force_login(admin)
        client.post("/installningar/", {"key": "savings_top_cases", "value": "4"})
        client.post(
            "/installningar/",
            {"kind": "rate", "key": "social_fee_rate", "valid_from": "2026-01-01", "value": "0.45"},
        )
    yield


class _Page(VisibleText):
    """A page's visible text (``VisibleText``) and, in the same reading, its links, its htmx
    GETs, and what the named submit buttons of a GET form with an action of its own ask for
    ("Boka alla": the confirmation page)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.form_action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        self._link(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_startendtag(tag, attrs)
        self._link(tag, dict(attrs))
        self._form_end(tag)

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        self._form_end(tag)

    def _link(self, tag: str, a: dict[str, str | None]) -> None:
        for name in ("href", "hx-get"):
            if (tag == "a" or name == "hx-get") and a.get(name):
                self.links.append(a[name] or "")
        if tag == "form":
            get = (a.get("method") or "get").lower() == "get"
            self.form_action = (a.get("action") or "") if get else ""
        if tag == "button" and self.form_action and a.get("name"):
            query = urlencode({a["name"]: a.get("value") or ""})
            self.links.append(f"{self.form_action}?{query}")

    def _form_end(self, tag: str) -> None:
        if tag == "form":
            self.form_action = ""


def _read(html: str) -> tuple[str, list[str]]:
    """The visible text and the links of a page, read once."""
    page = _Page()
    page.feed(html)
    page.close()
    return page.text(), page.links


def _seeds() -> list[str]:
    """Every page of the URL configuration that takes no id, at D; every document of the
    report page's form (the department's monthly follow-up only for a unit: it computes every
    figure table of the month, the staffing backtest of the whole department among them)."""
    out = []
    for namespace in ("web", "plans", "reports"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for name, patterns in resolver.reverse_dict.items():
            if isinstance(name, str) and not patterns[0][0][1]:
                out.append(f"{reverse(f'{namespace}:{name}')}?as_of={AS_OF}")
    documents = [
        (kind, unit, fmt)
        for kind, formats in REPORT_KINDS.items()
        for fmt in formats
        for unit in ("", "81515")
    ]
    for kind, unit, fmt in [*documents, ("manadsuppfoljning", "81515", "xlsx")]:
        query = urlencode({"kind": kind, "unit_id": unit, "as_of": AS_OF, "format": fmt})
        out.append(f"{reverse('reports:download')}?{query}")
    return sorted(out)


DOCUMENT_VIEWS = {"reports:download", "reports:document", "plans:document"}


def walk(client: Client, documents_read: dict[tuple, str]) -> tuple[dict[tuple, str], Counter[str]]:
    """The raw values found on the pages and in the documents the client reaches, by page
    and value, and how many pages and documents of each kind (and of each view) it read. A
    document someone read before (``documents_read``) is not made again."""
    queue = deque(_seeds())
    seen: set[str] = set()
    visits: Counter[tuple] = Counter()
    read: Counter[str] = Counter()
    found: dict[tuple, str] = {}
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        if url in seen or parts.netloc or parts.path.startswith(NOT_WALKED):
            continue
        seen.add(url)
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        query = dict(parse_qsl(parts.query))
        key = (match.view_name, tuple(sorted(query)), query.get("format"), query.get("kind"))
        if visits[key] >= (PER_PAGE_WITH_ID if match.kwargs else 1):
            continue
        visits[key] += 1
        if match.view_name in DOCUMENT_VIEWS or "format" in query:
            if key in documents_read:
                continue
            documents_read[key] = ""
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.appendleft(response["Location"])
            continue
        if response.status_code != 200:
            continue
        content_type = response["Content-Type"].split(";")[0]
        read[match.view_name] += 1
        if content_type == "text/html":
            text, links = _read(response.content.decode())
            queue.extend(links)
            read["sidor"] += 1
        elif content_type in DOCUMENT_TEXT:
            text = DOCUMENT_TEXT[content_type](response.content)
            documents_read[key] = content_type
            read[content_type] += 1
        else:
            continue
        for token, context in raw_in_context(text):
            found.setdefault((match.view_name, token), f"{url}: {context!r}")
    return found, read


@pytest.fixture(scope="module")
def documents_read() -> dict[tuple, str]:
    """The documents the roles read so far, and their types."""
    return {}


ROLE_NAMES = ("admin", "ledning", "controller", "chef", "samordnare")
# Pages no link leads to with a GET: a form's POST, an upload's own pages, the login.
NOT_REACHED = {
    "web:table_columns",
    "reports:preview",
    "web:login",
    "web:logout",
    "web:healthz",
    "web:import_job",
    "web:import_undo",
    "web:profile_editor",
    "web:profile_import",
    "web:profile_download",
    "plans:follow_up",
}


def _views() -> set[str]:
    return {
        f"{namespace}:{name}"
        for namespace in ("web", "plans", "reports")
        for name in get_resolver().namespace_dict[namespace][1].reverse_dict
        if isinstance(name, str)
    }


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_no_page_or_document_shows_a_raw_value(
    role, imported, walked_data, as_user, documents_read
):
    found, read = walk(as_user(role), documents_read)
    assert read["sidor"] >= 10, read
    # Word, PDF and Excel, by this role or one before it
    assert {DOCX, PDF, XLSX} <= set(documents_read.values())
    if role == "admin":  # the first, who sees every page
        assert _views() - set(read) == NOT_REACHED
    assert not found, "\n".join(found.values())
