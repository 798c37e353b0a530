"""The profile editor: upload a sample, map it with a live preview, save versions, import with
a saved version; administrators only, audited."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from timbalans.accounts.models import AuditEvent
from timbalans.records.models import ImportBatch, MappingProfileVersion, Shift
from timbalans.web.models import ImportJob
from timbalans.web.profile_editor import SAMPLE_BAD, SKIP
from timbalans.web.views.profiles import SAVED, UNCHANGED

pytestmark = pytest.mark.django_db

SAMPLE = (
    "Datum;Start;Slut;Ärende;Anst;Passtyp\n"
    "2025-02-20;07:00;16:00;51470;E1;Pass\n"
    "2025-02-21;22:00;07:00;51357;E2;Jour\n"
    "2025-02-22;07:00;16:00;51470;E1;Ledig\n"
)
FORM = {
    "name": "Schema från TimeCare",
    "files": "TimeCare*.csv",
    "table": "shifts",
    "fmt_break": "minutes",
    "src_case_id": "Ärende",
    "src_employee_id": "Anst",
    "src_start": "Datum",
    "time_start": "Start",
    "src_end": "Datum",
    "time_end": "Slut",
    "src_kind": "Passtyp",
    # the distinct values of Passtyp, sorted: Jour, Ledig, Pass
    "map_kind_0": "on_call",
    "map_kind_1": SKIP,
    "map_kind_2": "assistance",
}


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.TIMBALANS_JOBS_INLINE = True
    settings.DATA_DIR = tmp_path


def _upload(client, text: str = SAMPLE, name: str = "TimeCare_v8.csv") -> str:
    response = client.post(
        "/import/profiler/", {"sample": SimpleUploadedFile(name, text.encode("utf-8"))}
    )
    match = re.fullmatch(r"/import/profiler/exempel/([0-9a-f]{32})/", response["Location"])
    assert match, response["Location"]
    return response["Location"]


def test_only_an_administrator_edits_profiles(as_user, imported):
    for name in ("controller", "ledning", "chef", "samordnare"):
        assert as_user(name).get("/import/profiler/").status_code == 403, name
    client = as_user("admin")
    url = _upload(client)
    assert as_user("controller").get(url).status_code == 403
    assert as_user("controller").get("/import/").status_code == 200


def test_the_editor_shows_the_sample_s_columns_and_first_rows(as_user):
    client = as_user("admin")
    html = client.get(_upload(client)).content.decode()
    assert "<h1>Profilredigerare: TimeCare_v8.csv</h1>" in html
    assert "TimeCare_v8.csv: 6 kolumner. De första raderna:" in html
    assert '<th scope="col">Passtyp</th>' in html
    assert "<td>2025-02-21</td><td>22:00</td><td>07:00</td>" in html
    assert "Välj vilken tabell filen blir; då visas dess kolumner." in html


def test_a_sample_that_is_not_csv_or_excel_is_refused(as_user):
    client = as_user("admin")
    response = client.post(
        "/import/profiler/", {"sample": SimpleUploadedFile("data.xml", b"<paxml/>")}, follow=True
    )
    assert SAMPLE_BAD in response.content.decode()


def test_the_live_preview_shows_the_canonical_rows_and_every_error(as_user, imported):
    client = as_user("admin")
    url = _upload(client)
    form = {**FORM, "map_kind_0": ""}  # Jour left unmapped: an error on row 3
    html = client.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in html  # only the editor is sent back
    assert "Filen ger 1 fel med profilen." in html
    assert (
        '<td>TimeCare_v8.csv</td><td class="num">3</td><td>Passtyp</td><td>koden &quot;Jour&quot; '
        "saknas i profilens värdelista för kind (profilen, rad 15); förväntat en av: Ledig, Pass."
        "</td>"
    ) in html
    assert (
        "<tr><td>2</td><td>51470</td><td>E1</td><td>2025-02-20 07:00</td><td>2025-02-20 16:00</td>"
        "<td>assistans</td></tr>"
    ) in html
    assert "raderna med &quot;Ledig&quot; i kolumnen &quot;Passtyp&quot; hoppades över" in html

    html = client.post(url, FORM, HTTP_HX_REQUEST="true").content.decode()
    assert "Inga fel: 2 rader blir tabellen schema." in html
    assert (
        "<td>3</td><td>51357</td><td>E2</td><td>2025-02-21 22:00</td><td>2025-02-22 07:00</td>"
        in html
    )


def test_a_profile_with_errors_names_its_lines_and_is_not_saved(as_user):
    client = as_user("admin")
    url = _upload(client)
    form = {**FORM, "src_case_id": "", "fmt_date": "DD.MM.XX"}
    html = client.post(url, {**form, "action": "save"}).content.decode()
    assert "Profilen sparades inte: 2 fel i profilen." in html
    assert "Profilen har 2 fel och kan inte sparas ännu." in html
    assert '<td class="num">7</td><td>formatet &quot;DD.MM.XX&quot; går inte' in html
    assert '<td class="num">9</td><td>kolumnen &quot;case_id&quot; saknas i [columns]' in html
    assert MappingProfileVersion.objects.count() == 0


def test_save_keeps_versions_then_import_with_it_records_the_version(as_user, imported):
    client = as_user("admin")
    url = _upload(client)
    html = client.post(url, {**FORM, "action": "save"}).content.decode()
    assert SAVED.format(name="Schema från TimeCare", number=1) in html
    v1 = MappingProfileVersion.objects.get()
    assert AuditEvent.objects.get(action="setting").target == (
        "mappningsprofil Schema från TimeCare version 1"
    )
    html = client.post(url, {**FORM, "action": "save"}).content.decode()
    assert UNCHANGED.format(name="Schema från TimeCare", number=1) in html
    client.post(url, {**FORM, "files": "TimeCare*.csv, Medvind*.csv", "action": "save"})
    v2 = MappingProfileVersion.objects.get(number=2)
    assert v2.sha256 != v1.sha256

    listed = client.get("/import/profiler/").content.decode()
    assert listed.count("<td>Schema från TimeCare</td>") == 2  # both versions are kept
    assert f'<option value="{v2.pk}">Schema från TimeCare (version 2)</option>' in listed
    assert f'<option value="{v1.pk}">' not in listed  # new versions start from the newest

    download = client.get(f"/import/profiler/version/{v2.pk}/")
    assert download["Content-Disposition"] == (
        'attachment; filename="schema-fr-n-timecare-v2.profile.toml"'
    )
    assert 'files = ["TimeCare*.csv", "Medvind*.csv"]' in download.content.decode()

    before = Shift.objects.count()
    response = client.post(f"{url}importera/{v2.pk}/")
    job = ImportJob.objects.get()
    assert response["Location"] == f"/import/jobb/{job.pk}/"
    assert (job.status, job.profile_version_id) == ("valid", v2.pk)
    client.post(f"/import/jobb/{job.pk}/")
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.profiles == [
        {
            "name": "Schema från TimeCare",
            "version": 2,
            "sha256": v2.sha256,
            "source": "profilen Schema från TimeCare version 2",
            "files": ["TimeCare_v8.csv"],
        }
    ]
    # the sample's two shifts replace the February shifts of their units
    assert Shift.objects.filter(replaced_by__isnull=True, batch=batch).count() == 2
    assert Shift.objects.count() == before + 2
    html = client.get("/import/").content.decode()
    assert f'Schema från TimeCare version 2 <code title="SHA-256">{v2.sha256[:12]}…</code>' in html


def test_the_import_page_reads_uploads_with_a_chosen_profile(as_user, imported):
    client = as_user("admin")
    client.post(_upload(client), {**FORM, "action": "save"})
    version = MappingProfileVersion.objects.get()
    controller = as_user("controller")
    assert "Schema från TimeCare (version 1)" in controller.get("/import/").content.decode()
    controller.post(
        "/import/",
        {
            "files": [SimpleUploadedFile("export.csv", SAMPLE.encode())],
            "profile": str(version.pk),
        },
    )
    job = ImportJob.objects.get()
    assert (job.status, job.rows_total) == ("valid", 2)


def test_an_existing_profile_opens_in_the_editor_with_its_mapping(as_user):
    client = as_user("admin")
    client.post(_upload(client), {**FORM, "action": "save"})
    version = MappingProfileVersion.objects.get()
    response = client.post(
        "/import/profiler/",
        {"sample": SimpleUploadedFile("TimeCare_v9.csv", SAMPLE.encode()), "base": version.pk},
    )
    assert response["Location"].endswith(f"?profil={version.pk}")
    html = client.get(response["Location"]).content.decode()
    assert '<option value="Ärende" selected>' in html
    assert f'<option value="{SKIP}" selected>Hoppa över raden</option>' in html
    assert (
        "Inga fel: 2 rader blir tabellen schema." not in html
    )  # E1, E2 are not stored: errors shown
    assert "Filen ger 4 fel med profilen." in html


def test_the_import_guide_is_in_the_app(as_user):
    html = as_user("controller").get("/import/guide/").content.decode()
    assert "<h1" in html and "Importguide" in html
    assert as_user("ledning").get("/import/guide/").status_code == 403


def test_a_preview_stores_nothing(as_user, imported):
    client = as_user("admin")
    shifts = Shift.objects.count()
    client.post(_upload(client), FORM, HTTP_HX_REQUEST="true")
    assert (ImportBatch.objects.count(), Shift.objects.count()) == (1, shifts)
    assert MappingProfileVersion.objects.count() == 0


def test_an_unknown_sample_is_not_found(as_user):
    client = as_user("admin")
    assert client.get(f"/import/profiler/exempel/{'0' * 32}/").status_code == 404
    assert client.get("/import/profiler/exempel/..%2F..%2Fetc/").status_code == 404
