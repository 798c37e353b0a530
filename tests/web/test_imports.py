"""The Import page: upload, the dry-run report, apply, undo; all in the audit trail."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import BASE
from timbalans.accounts.models import AuditEvent
from timbalans.ingest.messages import UNDO_NOT_LATEST, ZIP_NOT_ALONE, ZIP_RATIO
from timbalans.ingest.read import size_text
from timbalans.records import services
from timbalans.records.models import ImportBatch, Worked
from timbalans.web.jobs import BAD_NAME, NO_FILES, import_job_create
from timbalans.web.models import ImportJob
from timbalans.web.upload_limits import UPLOAD_TOO_BIG, UPLOAD_TOO_MANY_FILES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.TIMBALANS_JOBS_INLINE = True
    settings.DATA_DIR = tmp_path


def _files(**tables):
    content = {**BASE, **tables}
    return [
        SimpleUploadedFile(f"{t}.csv", text.encode("utf-8"), content_type="text/csv")
        for t, text in content.items()
    ]


def test_a_broken_set_is_reported_row_by_row_and_nothing_is_stored(as_user):
    client = as_user("controller")
    worked = BASE["worked"] + "51470;E9;2025-01-12 07:00;2025-01-12 16:00;60;ordinary\n"
    response = client.post("/import/", {"files": _files(worked=worked)})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/import/jobb/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Filerna importerades inte: 1 fel." in html
    assert '<td>worked.csv</td><td class="num">5</td><td>employee_id</td>' in html
    assert job.status == "invalid"
    assert ImportBatch.objects.count() == 0


def test_a_valid_set_is_checked_then_imported_then_undone(as_user):
    client = as_user("controller")
    client.post("/import/", {"files": _files()})
    job = ImportJob.objects.get()
    assert job.status == "valid"
    assert "Importera</button>" in client.get(f"/import/jobb/{job.pk}/").content.decode()
    assert ImportBatch.objects.count() == 0  # the dry run stored nothing

    client.post(f"/import/jobb/{job.pk}/")
    job.refresh_from_db()
    n = ImportBatch.objects.get().pk
    assert (job.status, job.batch_number, job.rows_done) == ("applied", n, job.rows_total)
    assert Worked.objects.count() == 3
    assert AuditEvent.objects.get(action="import").target == f"import {n}"

    response = client.post(f"/import/{n}/angra/", follow=True)
    assert f"Import {n} är ångrad." in response.content.decode()
    assert ImportBatch.objects.get(pk=n).status == "undone"
    assert Worked.objects.count() == 0
    assert AuditEvent.objects.get(action="undo").username == "controller"


def test_a_failure_while_the_rows_are_made_is_shown_and_nothing_is_stored(as_user, monkeypatch):
    # the values of the time rows are made while the rows are inserted
    # (services._chunk_make); an error there ends the job as any error of the import does
    client = as_user("controller")
    client.post("/import/", {"files": _files()})
    job = ImportJob.objects.get()

    def disk_full(*args):
        raise OSError("disken är full")

    monkeypatch.setattr(services, "_chunk_make", disk_full)
    client.post(f"/import/jobb/{job.pk}/")
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "disken är full")
    html = client.get(f"/import/jobb/{job.pk}/").content.decode()
    assert "Importen avbröts: disken är full" in html
    assert ImportBatch.objects.count() == 0
    assert Worked.objects.count() == 0


def test_an_older_import_cannot_be_undone_and_the_page_says_why(as_user):
    client = as_user("admin")
    client.post("/import/", {"files": _files()})
    client.post(f"/import/jobb/{ImportJob.objects.get().pk}/")
    client.post("/import/", {"files": _files()})
    client.post(f"/import/jobb/{ImportJob.objects.first().pk}/")
    first, second = ImportBatch.objects.order_by("pk").values_list("pk", flat=True)
    html = client.post(f"/import/{first}/angra/", follow=True).content.decode()
    assert UNDO_NOT_LATEST.format(number=first, later=second) in html
    assert ImportBatch.objects.get(pk=first).status == "applied"


def test_no_files_is_an_error(as_user):
    html = as_user("controller").post("/import/", {}, follow=True).content.decode()
    assert NO_FILES in html


def test_a_file_of_another_kind_is_refused(as_user):
    bad = SimpleUploadedFile("skript.exe", b"MZ")
    html = as_user("controller").post("/import/", {"files": [bad]}, follow=True).content.decode()
    assert BAD_NAME.format(name="skript.exe") in html


@pytest.mark.parametrize("role", ["ledning", "chef", "samordnare"])
def test_other_roles_cannot_upload_or_undo(role, as_user):
    client = as_user(role)
    assert client.post("/import/", {"files": _files()}).status_code == 403
    assert client.post("/import/1/angra/").status_code == 403
    assert ImportJob.objects.count() == 0


# ---------------------------------------------------------------- bounds of an upload (issue 16)


def test_an_upload_past_the_size_limit_is_refused_before_it_is_read(as_user, settings, tmp_path):
    settings.TIMBALANS_UPLOAD_MAX_BYTES = 2000
    client = as_user("controller")
    response = client.post("/import/", {"files": _files()})
    assert (response.status_code, response["Location"]) == (302, "/import/")
    html = client.get("/import/").content.decode()
    found = re.search(r"Uppladdningen är ([\d ]+) byte; den får vara högst 2 000 byte", html)
    assert found and int(found.group(1).replace(" ", "")) > 2000
    assert "(inställningen TIMBALANS_UPLOAD_MAX_MB)" in html
    assert ImportJob.objects.count() == 0
    assert not (tmp_path / "uploads").exists()  # nothing was saved


def test_an_anonymous_upload_past_the_size_limit_gets_413(client, settings):
    settings.TIMBALANS_UPLOAD_MAX_BYTES = 100
    response = client.post("/import/", {"files": _files()})
    assert response.status_code == 413
    assert response.content.decode().startswith("Uppladdningen är ")


def test_an_upload_of_too_many_files_is_refused_in_swedish(as_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client = as_user("controller")
    html = client.post("/import/", {"files": _files()}, follow=True).content.decode()
    assert UPLOAD_TOO_MANY_FILES.format(maximum=3) in html
    assert ImportJob.objects.count() == 0


def test_the_job_refuses_files_past_the_size_limit_too(users, settings):
    settings.TIMBALANS_UPLOAD_MAX_BYTES = 1000
    files = _files()
    size = sum(f.size for f in files)
    with pytest.raises(ValueError) as exc:
        import_job_create(files=files, user=users["controller"])
    assert str(exc.value) == UPLOAD_TOO_BIG.format(size=size_text(size), maximum="1 000 byte")
    assert ImportJob.objects.count() == 0


def test_a_zip_uploaded_next_to_a_csv_is_named(as_user):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("worked.csv", BASE["worked"])
    files = [f for f in _files() if f.name != "worked.csv"]
    client = as_user("controller")
    client.post(
        "/import/", {"files": [*files, SimpleUploadedFile("export.zip", archive.getvalue())]}
    )
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    assert job.problems == [
        {"file": "export.zip", "row": None, "column": None, "message": ZIP_NOT_ALONE}
    ]


def test_a_zip_bomb_is_refused_before_it_is_inflated(as_user):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for table, text in BASE.items():
            zf.writestr(f"{table}.csv", text)
        zf.writestr("shifts.csv", b"0" * 20_000_000)  # 20 MB of one byte, ~20 kB packed
    info = zipfile.ZipFile(archive).getinfo("shifts.csv")
    ratio = f"{info.file_size / info.compress_size:,.0f}".replace(",", " ")  # about 1 000
    client = as_user("controller")
    client.post("/import/", {"files": [SimpleUploadedFile("set.zip", archive.getvalue())]})
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    assert job.problems == [
        {
            "file": "shifts.csv",
            "row": None,
            "column": None,
            "message": ZIP_RATIO.format(ratio=ratio, maximum=100),
        }
    ]


def test_an_import_and_its_undo_leave_the_overview_ready_in_the_figure_cache(as_user, tmp_path):
    from timbalans.records.figure_cache import figure_cache_clear, figure_cache_counts

    def folders():
        return sorted(p for p in (tmp_path / "figure-cache").iterdir() if p.is_dir())

    client = as_user("controller")
    client.post("/import/", {"files": _files()})
    client.post(f"/import/jobb/{ImportJob.objects.get().pk}/")
    # The overview's six tables and the case pages' periods on today's D, for every unit and
    # for the unit manager's 81515, and the case pages' days and staff of every case
    (imported,) = folders()
    assert len(list(imported.glob("*.parquet"))) == 16
    figure_cache_clear(files=False)  # as a server process that has computed nothing
    assert client.get("/").status_code == 200
    tables = {k: v for k, v in figure_cache_counts().items() if not k.startswith("svg")}
    assert tables == {"file": 6}

    n = ImportBatch.objects.get().pk
    client.post(f"/import/{n}/angra/")
    (undone,) = folders()
    assert undone != imported
    assert len(list(undone.glob("*.parquet"))) == 16
