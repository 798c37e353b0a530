"""Import jobs: upload, validate (dry run) and apply in the background, with progress.

The work runs in a thread of the web process; the job row is the state the page reads, so
reloading the page or opening it on another computer shows the same progress. A job that
was running when the server stopped is marked failed at the next start of a job.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection

from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.ingest.read import size_text
from timbalans.ingest.schema import TIME_TABLES
from timbalans.ingest.validate import Dataset
from timbalans.records.mapping_profiles import profile_of_version
from timbalans.records.services import ImportRejected, import_batch_apply, import_dataset_validate
from timbalans.web.models import ImportJob
from timbalans.web.upload_limits import UPLOAD_TOO_BIG

log = logging.getLogger(__name__)

NO_FILES = "Välj minst en fil (CSV, XLSX, Parquet, PAXml, SIE) eller en .zip."
BAD_NAME = "Filnamnet {name} kan inte användas."
ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx", ".parquet", ".zip", ".toml"}  # .profile.toml
# Exchange files (recognised by their content): PAXml as .xml, SIE 4 as .se, .si, .sie.
ALLOWED_SUFFIXES |= {".xml", ".se", ".si", ".sie"}
INTERRUPTED = "Jobbet avbröts (servern startades om). Ladda upp filerna igen."


def uploads_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def import_job_create(
    *, files: Iterable[UploadedFile], user: Any, profile_version: Any = None
) -> ImportJob:
    """Save the uploaded files in a folder of their own and start validating them (read
    through ``profile_version``, a saved mapping profile, when given)."""
    files = list(files)
    if not files:
        raise ValueError(NO_FILES)
    # The middleware refused a body past the bound before it was read; this is the same
    # bound on the files themselves, for every caller.
    size = sum(f.size or 0 for f in files)
    if size > settings.TIMBALANS_UPLOAD_MAX_BYTES:
        raise ValueError(
            UPLOAD_TOO_BIG.format(
                size=size_text(size), maximum=size_text(settings.TIMBALANS_UPLOAD_MAX_BYTES)
            )
        )
    # Uploads are personal data: readable by the server's user only (also under umask 022).
    uploads_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = uploads_dir() / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    names = []
    for f in files:
        name = Path(f.name or "").name
        if not name or Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
            shutil.rmtree(folder, ignore_errors=True)
            raise ValueError(BAD_NAME.format(name=f.name))
        with os.fdopen(
            os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
        ) as out:
            for chunk in f.chunks():
                out.write(chunk)
        names.append(name)
    _fail_interrupted()
    job = ImportJob.objects.create(
        created_by=user,
        created_by_name=user.get_username(),
        folder=str(folder),
        file_names=names,
        profile_version=profile_version,
    )
    _start(import_job_validate, job.pk)
    return job


def import_job_create_from_sample(*, sample: str, version: Any, user: Any) -> ImportJob:
    """An import job of a profile editor's sample file, read through a saved version."""
    from timbalans.web.profile_editor import sample_copy

    folder = uploads_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        name = sample_copy(sample, folder)
    except ValueError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _fail_interrupted()
    job = ImportJob.objects.create(
        created_by=user,
        created_by_name=user.get_username(),
        folder=str(folder),
        file_names=[name],
        profile_version=version,
    )
    _start(import_job_validate, job.pk)
    return job


def _validated(job: ImportJob) -> Dataset:
    """The job's files validated, read through its saved profile when it has one."""
    profiles = [profile_of_version(job.profile_version)] if job.profile_version else []
    return import_dataset_validate(source=_source(job), profiles=profiles)


def _source(job: ImportJob) -> Path:
    folder = Path(job.folder)
    zips = list(folder.glob("*.zip"))
    return zips[0] if len(zips) == 1 and len(job.file_names) == 1 else folder


def import_job_validate(job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    try:
        dataset = _validated(job)
    except Exception as e:  # an unreadable file is reported, not raised into the thread
        log.exception("import job %s", job_id)
        job.status, job.error = ImportJob.Status.FAILED, str(e)
        job.save()
        _uploads_delete(job)
        return
    job.notes = list(dataset.notes)
    job.rows_total = dataset.rows
    if dataset.ok:
        job.status = ImportJob.Status.VALID
    else:
        job.status = ImportJob.Status.INVALID
        job.problems = [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in dataset.problems
        ]
    job.save()
    if job.status != ImportJob.Status.VALID:
        _uploads_delete(job)


def import_job_apply(*, job: ImportJob, user: Any) -> ImportJob:
    """Start importing a validated job (validated again: the database may have changed)."""
    if job.status != ImportJob.Status.VALID:
        return job
    job.status = ImportJob.Status.APPLYING
    job.rows_done = 0
    job.save(update_fields=["status", "rows_done", "updated_at"])
    _start(_apply, job.pk, user.pk)
    return job


def _apply(job_id: int, user_id: int) -> None:
    from django.contrib.auth import get_user_model

    job = ImportJob.objects.get(pk=job_id)
    user = get_user_model().objects.get(pk=user_id)
    done = 0

    def progress(step: str, rows: int) -> None:
        nonlocal done
        if step.endswith(":rows") or step not in TIME_TABLES:
            done += rows
            ImportJob.objects.filter(pk=job_id).update(rows_done=min(done, job.rows_total))

    try:
        dataset = _validated(job)
        batch = import_batch_apply(
            dataset=dataset, source=", ".join(job.file_names), user=user, progress=progress
        )
    except ImportRejected as e:
        job.status = ImportJob.Status.INVALID
        job.problems = [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in e.dataset.problems
        ]
        job.save()
        return
    except Exception as e:
        log.exception("import job %s", job_id)
        job.status, job.error = ImportJob.Status.FAILED, str(e)
        job.save()
        return
    finally:
        _uploads_delete(job)
    job.status = ImportJob.Status.APPLIED
    job.batch_number = batch.pk
    job.rows_done = job.rows_total
    job.save()
    audit_log(
        user=user,
        action=AuditEvent.Action.IMPORT,
        target=f"import {batch.pk}",
        detail={"files": job.file_names, "rows": batch.rows, "profiles": batch.profiles},
    )


def _uploads_delete(job: ImportJob) -> None:
    """An import that ended (imported, rejected or failed) needs its files no more."""
    shutil.rmtree(job.folder, ignore_errors=True)


def _fail_interrupted() -> None:
    """Jobs left running by a stopped server cannot finish: say so."""
    if _threads:
        return
    ImportJob.objects.filter(
        status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING]
    ).update(status=ImportJob.Status.FAILED, error=INTERRUPTED)


_threads: set[threading.Thread] = set()


def _start(fn: Callable[..., None], *args: Any) -> None:
    if getattr(settings, "TIMBALANS_JOBS_INLINE", False):
        fn(*args)
        return

    def run() -> None:
        close_old_connections()
        try:
            fn(*args)
        finally:
            connection.close()
            _threads.discard(thread)

    thread = threading.Thread(target=run, name=f"timbalans-{fn.__name__}", daemon=True)
    _threads.add(thread)
    thread.start()


def staffing_run_start(
    *, user: Any, unit_ids: list[str], first: Any, last: Any, as_of: Any, pool: str
) -> Any:
    """Start a batch proposal for the open shifts of ``unit_ids`` in ``first``..``last``."""
    from timbalans.web.models import StaffingRun

    _fail_interrupted_runs()
    run = StaffingRun.objects.create(
        created_by_name=user.get_username(), unit_ids=unit_ids, first=first, last=last, as_of=as_of
    )
    _start(_staffing_fill, run.pk, pool)
    return run


def _staffing_fill(run_id: int, pool: str) -> None:
    from timbalans.records.staffing import staffing_fill
    from timbalans.staffing.instance import Config
    from timbalans.web.models import StaffingRun

    run = StaffingRun.objects.get(pk=run_id)
    try:
        result = staffing_fill(
            first=run.first,
            last=run.last,
            units=set(run.unit_ids) or None,
            as_of=run.as_of,
            config=Config(pool=pool),  # type: ignore[arg-type]
        )
    except Exception as e:
        log.exception("staffing run %s", run_id)
        run.status, run.error = StaffingRun.Status.FAILED, str(e)
        run.save()
        return
    run.status = StaffingRun.Status.DONE
    run.result = result.model_dump(mode="json")
    run.save()


def _fail_interrupted_runs() -> None:
    from timbalans.web.models import StaffingRun

    if _threads:
        return
    StaffingRun.objects.filter(status=StaffingRun.Status.RUNNING).update(
        status=StaffingRun.Status.FAILED, error=INTERRUPTED
    )
