"""The Import page with exchange files: a PAXml and an SIE file are accepted, the dry-run
report says what each became, and a problem names the PAXml line and element."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import BASE
from tests.ingest.exchange_samples import DAY_ROW, PAXML_ROWS, SIE_BODY, paxml, sie
from timbalans.records.models import ImportBatch, Worked
from timbalans.web.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.TIMBALANS_JOBS_INLINE = True
    settings.DATA_DIR = tmp_path


def _files(time: bytes):
    reference = {t: text for t, text in BASE.items() if t not in ("worked", "ledger")}
    return [
        *(SimpleUploadedFile(f"{t}.csv", text.encode("utf-8")) for t, text in reference.items()),
        SimpleUploadedFile("tid.xml", time),
        SimpleUploadedFile("bokforing.se", sie(*SIE_BODY)),
    ]


def test_exchange_files_are_checked_reported_and_imported(as_user):
    client = as_user("controller")
    client.post("/import/", {"files": _files(paxml(*PAXML_ROWS))})
    job = ImportJob.objects.get()
    assert job.status == "valid"
    html = client.get(f"/import/jobb/{job.pk}/").content.decode()
    assert "tid.xml (PAXml) blev: worked 3 rader, absences 1 rader." in html
    assert "tid.xml: 1 rader hoppades över (tidkod OB1: 1)." in html
    assert "bokforing.se (SIE 4) blev: ledger 2 rader." in html
    client.post(f"/import/jobb/{job.pk}/")
    assert ImportBatch.objects.get().rows["worked"] == 3
    assert Worked.objects.count() == 3


def test_a_problem_in_a_paxml_file_names_its_line_and_element(as_user):
    client = as_user("controller")
    client.post("/import/", {"files": _files(paxml(DAY_ROW.replace("ARB", "LUNCH")))})
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    html = client.get(f"/import/jobb/{job.pk}/").content.decode()
    assert '<td>tid.xml</td><td class="num">5</td><td>&lt;tidkod&gt;</td>' in html
    assert ImportBatch.objects.count() == 0
