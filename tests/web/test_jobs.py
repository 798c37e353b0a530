"""Background jobs under concurrency: one import per job however often it is submitted,
writes that queue behind an import, progress seen from outside the import, and jobs of a
process that is gone (and only those) failed."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from tests.builders import BASE, write_set
from tests.web.conftest import PASSWORD
from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log, user_create
from timbalans.ingest.messages import UNDO_NOT_LATEST
from timbalans.records.models import ImportBatch, Worked
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.rostering.models import StaffingRun
from timbalans.web import jobs
from timbalans.web.jobs import (
    INTERRUPTED,
    RUN_INTERRUPTED,
    import_job_apply,
    import_job_create,
    import_job_get,
    jobs_fail_gone,
)
from timbalans.web.models import ImportJob
from timbalans.web.processes import ProcessId, this_process
from timbalans.web.views.auth import WRONG

WAIT = 30  # seconds a thread waits for another before the test fails


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.TIMBALANS_JOBS_INLINE = True
    settings.DATA_DIR = tmp_path / "data"


def _background(call: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    """Start ``call`` in a thread of its own (own connection, closed after); its errors."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def _in_threads(*calls: Callable[[], object]) -> list[BaseException]:
    """Run each call in a thread of its own, all at once; the errors."""
    started = [_background(c) for c in calls]
    for thread, _ in started:
        thread.join(WAIT * 2)
    assert not any(thread.is_alive() for thread, _ in started)
    return [e for _, errors in started for e in errors]


def _validated_job(user) -> ImportJob:
    files = [SimpleUploadedFile(f"{t}.csv", text.encode()) for t, text in BASE.items()]
    job = import_job_create(files=files, user=user)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID
    return job


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------- double submit


def test_six_simultaneous_applies_of_one_job_import_it_once(threads_db):
    user, _ = user_create(username="controller", role="controller", password=PASSWORD)
    job = _validated_job(user)
    # Each request read the job while it was still validated, as six POSTs at once do.
    seen = [ImportJob.objects.get(pk=job.pk) for _ in range(6)]
    start = threading.Barrier(6, timeout=WAIT)

    def apply(copy: ImportJob) -> Callable[[], object]:
        return lambda: (start.wait(), import_job_apply(job=copy, user=user))

    assert _in_threads(*(apply(copy) for copy in seen)) == []
    job.refresh_from_db()
    assert ImportBatch.objects.count() == 1
    assert (job.status, job.batch_number) == ("applied", ImportBatch.objects.get().pk)
    assert Worked.objects.count() == 3
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_six_simultaneous_posts_of_the_import_button_import_once(threads_db):
    user, _ = user_create(username="controller", role="controller", password=PASSWORD)
    job = _validated_job(user)
    clients = [_client(user) for _ in range(6)]
    start = threading.Barrier(6, timeout=WAIT)
    statuses: list[int] = []

    def post(client: Client) -> Callable[[], object]:
        def call() -> None:
            start.wait()
            statuses.append(client.post(f"/import/jobb/{job.pk}/").status_code)

        return call

    assert _in_threads(*(post(c) for c in clients)) == []
    assert statuses == [302] * 6
    assert ImportBatch.objects.count() == 1
    assert Worked.objects.count() == 3


# ------------------------------------------------------------- writes during an import


def _second_set(tmp_path):
    worked = BASE["worked"] + "51470;E1;2025-02-12 07:00;2025-02-12 16:00;60;ordinary\n"
    return write_set(tmp_path / "second", worked=worked)


def test_logins_an_undo_and_an_audit_write_wait_for_an_import_instead_of_failing(
    threads_db, tmp_path
):
    admin, _ = user_create(username="admin", role="admin", password=PASSWORD)
    first = write_set(tmp_path / "first")
    number = import_batch_apply(dataset=import_dataset_validate(source=first), source="1").pk
    dataset = import_dataset_validate(source=_second_set(tmp_path))
    undoer = _client(admin)
    # The pages once before, so that during the import the requests only wait for the lock.
    assert undoer.get("/import/").status_code == Client().get("/logga-in/").status_code == 200
    inside = threading.Event()
    held = 2.0  # seconds the import keeps the write lock after its first rows

    def slow(step: str, rows: int) -> None:
        # Rows are written: the import holds the write lock until it commits.
        if not inside.is_set():
            inside.set()
            threading.Event().wait(held)

    importer, errors = _background(
        lambda: import_batch_apply(dataset=dataset, source="2", progress=slow)
    )
    assert inside.wait(WAIT)
    answers: dict[str, HttpResponse] = {}

    def login() -> None:
        credentials = {"username": "admin", "password": PASSWORD}
        answers["login"] = Client().post("/logga-in/", credentials)

    def wrong_password() -> None:
        credentials = {"username": "admin", "password": "fel"}
        answers["wrong"] = Client().post("/logga-in/", credentials)

    def undo() -> None:
        answers["undo"] = undoer.post(f"/import/{number}/angra/", follow=True)

    def audit() -> None:
        audit_log(user=admin, action=AuditEvent.Action.SETTING, target="under import")

    # Each reads and then writes while the import holds the lock: each waits for it.
    assert _in_threads(login, wrong_password, undo, audit) == []
    importer.join(WAIT)
    assert errors == []
    assert (answers["login"].status_code, answers["login"]["Location"]) == (302, "/")
    assert WRONG in answers["wrong"].content.decode()
    # The import committed first: the undo is refused with the page's message, not a 500.
    later = ImportBatch.objects.latest("pk").pk
    assert UNDO_NOT_LATEST.format(number=number, later=later) in answers["undo"].content.decode()
    assert ImportBatch.objects.filter(status="applied").count() == 2
    assert AuditEvent.objects.filter(target="under import").exists()


def test_progress_of_an_import_is_seen_from_another_connection_while_it_runs(
    threads_db, monkeypatch
):
    user, _ = user_create(username="controller", role="controller", password=PASSWORD)
    job = _validated_job(user)
    midway, go_on = threading.Event(), threading.Event()
    write = jobs._progress_write

    def pausing(job_id: int, rows: int) -> None:
        write(job_id, rows)
        if rows and not midway.is_set():
            midway.set()
            go_on.wait(WAIT)

    monkeypatch.setattr(jobs, "_progress_write", pausing)
    client = _client(user)  # logged in before: a login is a write, which waits for the import
    # and seen before: the first page of a session writes when it began (accounts/middleware.py),
    # a write that would wait for the import, which waits for this test (WAIT seconds)
    client.get(f"/import/jobb/{job.pk}/", HTTP_HX_REQUEST="true")
    importer, errors = _background(lambda: import_job_apply(job=job, user=user))
    try:
        assert midway.wait(WAIT)
        seen = import_job_get(job_id=job.pk)
        assert seen.status == "applying"
        assert 0 < seen.rows_done < seen.rows_total
        assert ImportBatch.objects.count() == 0  # the import has not committed
        html = client.get(f"/import/jobb/{job.pk}/", HTTP_HX_REQUEST="true")
        text = html.content.decode()
        assert f"{seen.rows_done} av {seen.rows_total} rader ({seen.percent} %)" in text
    finally:
        go_on.set()
        importer.join(WAIT)
    assert errors == []
    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("applied", job.rows_total)
    assert not jobs._progress_path(job.pk).exists()


# ------------------------------------------------------------ jobs of a process gone


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _fields(process: ProcessId) -> dict[str, object]:
    return {
        "worker_host": process.host,
        "worker_boot_id": process.boot_id,
        "worker_pid": process.pid,
        "worker_started": process.started,
    }


def _job(process: ProcessId | None, status: str = "applying") -> ImportJob:
    return ImportJob.objects.create(
        created_by_name="controller",
        folder="/nowhere",
        status=status,
        **(_fields(process) if process else {}),
    )


@pytest.mark.django_db
def test_only_jobs_whose_process_is_gone_are_failed(as_user):
    here = this_process()
    dead = _job(replace(here, pid=_dead_pid()))
    reused = _job(replace(here, started="1"))  # our pid, but another process's start
    before_upgrade = _job(None)  # a version that recorded no process
    alive = _job(here)
    validating = _job(here, status="validating")
    elsewhere = _job(replace(here, host="annan-server", pid=_dead_pid()))
    finished = _job(replace(here, pid=_dead_pid()), status="applied")

    html = as_user("controller").get("/import/").content.decode()

    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert {pk: statuses[pk] for pk in (dead.pk, reused.pk, before_upgrade.pk)} == {
        dead.pk: "failed",
        reused.pk: "failed",
        before_upgrade.pk: "failed",
    }
    assert ImportJob.objects.get(pk=dead.pk).error == INTERRUPTED
    assert statuses[alive.pk] == "applying"
    assert statuses[validating.pk] == "validating"
    assert statuses[elsewhere.pk] == "applying"
    assert statuses[finished.pk] == "applied"
    assert "Avbruten" in html
    assert jobs_fail_gone() == 0  # nothing more to fail


@pytest.mark.django_db
def test_a_staffing_run_whose_process_is_gone_is_failed_and_a_live_one_is_not(as_user):
    here = this_process()
    day = "2025-02-16"
    common = {"created_by_name": "samordnare", "first": day, "last": day, "as_of": day}
    dead = StaffingRun.objects.create(**common, **_fields(replace(here, pid=_dead_pid())))
    alive = StaffingRun.objects.create(**common, **_fields(here))
    html = as_user("samordnare").get(f"/bemanning/forslag/{dead.pk}/").content.decode()
    assert RUN_INTERRUPTED in html
    assert StaffingRun.objects.get(pk=alive.pk).status == "running"
