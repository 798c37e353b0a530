"""Uploaded files are readable by the server's user only and deleted when the import ends,
imported or rejected."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders import BASE
from timbalans.web.jobs import uploads_dir
from timbalans.web.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.TIMBALANS_JOBS_INLINE = True
    settings.DATA_DIR = tmp_path
    old = os.umask(0o022)  # the usual umask, which would leave files world-readable
    yield
    os.umask(old)


def _files(**tables):
    content = {**BASE, **tables}
    return [
        SimpleUploadedFile(f"{t}.csv", text.encode("utf-8"), content_type="text/csv")
        for t, text in content.items()
    ]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_validated_upload_is_readable_by_its_owner_only(as_user):
    as_user("controller").post("/import/", {"files": _files()})
    job = ImportJob.objects.get()
    assert job.status == "valid"
    folder = Path(job.folder)
    assert (_mode(uploads_dir()), _mode(folder)) == (0o700, 0o700)
    assert {p.name: _mode(p) for p in folder.iterdir()} == {f"{t}.csv": 0o600 for t in BASE}


def test_a_rejected_upload_is_deleted(as_user):
    worked = BASE["worked"] + "51470;E9;2025-01-12 07:00;2025-01-12 16:00;60;ordinary\n"
    as_user("controller").post("/import/", {"files": _files(worked=worked)})
    job = ImportJob.objects.get()
    assert job.status == "invalid"
    assert not Path(job.folder).exists()
    assert list(uploads_dir().iterdir()) == []


def test_an_imported_upload_is_deleted(as_user):
    client = as_user("controller")
    client.post("/import/", {"files": _files()})
    job = ImportJob.objects.get()
    client.post(f"/import/jobb/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "applied"
    assert list(uploads_dir().iterdir()) == []
