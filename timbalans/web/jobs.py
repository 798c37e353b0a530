"""Import jobs: upload, validate (dry run) and apply in the background, with progress.

The work runs in a thread of the web process; the job row is the state the page reads, so
reloading the page or opening it on another computer shows the same progress. A job imports
at most once: the step from validated to importing is one conditional UPDATE, so of any
number of simultaneous submits one starts the import. The rows imported so far are kept in
a progress file in the data directory, outside the import's transaction (which no other
connection sees until it commits, and which on SQLite holds the only write lock), so the
page shows real progress. Each job records its process (``web.processes``); a job whose
process is gone is marked failed when a page or a new job looks, and only such a job.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection
from django.utils import timezone

from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.ingest.read import size_text
from timbalans.ingest.schema import TIME_TABLES
from timbalans.ingest.validate import Dataset
from timbalans.records.figure_access import (
    figure_precompute_after_change,
    figures_warm_reported,
)
from timbalans.records.figure_cache import precompute_mode
from timbalans.records.mapping_profiles import profile_of_version
from timbalans.records.models import BackgroundWork
from timbalans.records.services import ImportRejected, import_batch_apply, import_dataset_validate
from timbalans.rostering.models import StaffingRun
from timbalans.web.models import ImportJob
from timbalans.web.processes import ProcessId, process_gone, this_process
from timbalans.web.upload_limits import UPLOAD_TOO_BIG

if TYPE_CHECKING:
    from timbalans.staffing.instance import Pool

log = logging.getLogger(__name__)

NO_FILES = "Välj minst en fil (CSV, XLSX, Parquet, PAXml, SIE) eller en .zip."
BAD_NAME = "Filnamnet {name} kan inte användas."
ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx", ".parquet", ".zip", ".toml"}  # .profile.toml
# Exchange files (recognised by their content): PAXml as .xml, SIE 4 as .se, .si, .sie.
ALLOWED_SUFFIXES |= {".xml", ".se", ".si", ".sie"}
INTERRUPTED = (
    "Jobbet avbröts: processen som körde det finns inte längre (servern startades om eller "
    "stoppades). Ladda upp filerna igen."
)
RUN_INTERRUPTED = (
    "Beräkningen avbröts: processen som körde den finns inte längre (servern startades om "
    "eller stoppades). Starta en ny beräkning."
)


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
    jobs_fail_gone()
    job = ImportJob.objects.create(
        created_by=user,
        created_by_name=user.get_username(),
        folder=str(folder),
        file_names=names,
        profile_version=profile_version,
        **_worker(),
    )
    _start(import_job_validate, job.pk)
    return job


def import_job_create_from_sample(*, sample: str, version: Any, user: Any) -> ImportJob:
    """An import job of a profile editor's sample file, read through a saved version."""
    from timbalans.web.profile_editor import sample_copy

    uploads_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = uploads_dir() / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    try:
        name = sample_copy(sample, folder)
    except ValueError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    jobs_fail_gone()
    job = ImportJob.objects.create(
        created_by=user,
        created_by_name=user.get_username(),
        folder=str(folder),
        file_names=[name],
        profile_version=version,
        **_worker(),
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
    """Start importing a validated job (validated again: the database may have changed).

    At most once: only the request whose UPDATE finds the job still validated starts it;
    any other (a double click, a second tab) gets the job as it now is."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALID).update(
        status=ImportJob.Status.APPLYING, rows_done=0, updated_at=timezone.now(), **_worker()
    )
    job.refresh_from_db()
    if started:
        _progress_write(job.pk, 0)
        _start(_apply, job.pk, user.pk)
    return job


def import_job_get(*, job_id: int) -> ImportJob:
    """The job as its page shows it: failed if its process is gone, and while importing
    with the rows done so far (from the progress file)."""
    jobs_fail_gone()
    job = ImportJob.objects.get(pk=job_id)
    if job.status == ImportJob.Status.APPLYING:
        job.rows_done = min(_progress_read(job.pk), job.rows_total)
    return job


def _progress_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"import-{job_id}.progress"


def _progress_write(job_id: int, rows: int) -> None:
    """Written beside the transaction, replaced whole: a reader sees one number or none."""
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{threading.get_ident()}.part")
    part.write_text(str(rows))
    os.replace(part, path)


def _progress_read(job_id: int) -> int:
    try:
        return int(_progress_path(job_id).read_text())
    except (OSError, ValueError):
        return 0


def _apply(job_id: int, user_id: int) -> None:
    try:
        _apply_and_record(job_id, user_id)
    finally:
        # Once the job row says how the import ended, the row's count is the one to show.
        _progress_path(job_id).unlink(missing_ok=True)


def _apply_and_record(job_id: int, user_id: int) -> None:
    from django.contrib.auth import get_user_model

    job = ImportJob.objects.get(pk=job_id)
    user = get_user_model().objects.get(pk=user_id)
    done = 0

    def progress(step: str, rows: int) -> None:
        nonlocal done
        if step.endswith(":rows") or step not in TIME_TABLES:
            done += rows
            _progress_write(job_id, min(done, job.rows_total))

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
    # With the precomputation inline (the tests), the figures are warm before the job says it
    # is done, so no work of the job outlives it; on a server the job is done first.
    warm_first = precompute_mode() == "inline"
    if warm_first:
        _figures_warm()
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
    figure_precompute_after_change()
    if not warm_first:
        _figures_warm()  # still in the job's thread: the first page after it is not cold


def figures_warm_start() -> None:
    """Compute the overview's tables of the new data (after an undo): in the background on
    a server, at once where the precomputation is inline (the tests: no thread may outlive
    the request that started it)."""
    if precompute_mode() == "inline":
        _figures_warm()
    else:
        _start(_figures_warm)


def _figures_warm() -> None:
    """``figures_warm``, whose failure is logged: the import or undo stands without it."""
    figures_warm_reported()


def _uploads_delete(job: ImportJob) -> None:
    """An import that ended (imported, rejected or failed) needs its files no more."""
    shutil.rmtree(job.folder, ignore_errors=True)


def _worker() -> dict[str, Any]:
    """This process, as the fields of ``BackgroundWork``."""
    return {f"worker_{k}": v for k, v in asdict(this_process()).items()}


def _process_of(row: BackgroundWork) -> ProcessId | None:
    if row.worker_pid is None:
        return None
    return ProcessId(
        host=row.worker_host,
        boot_id=row.worker_boot_id,
        pid=row.worker_pid,
        started=row.worker_started,
    )


def _gone(row: BackgroundWork) -> bool:
    """A row that names no process was started by a version that recorded none: before
    the upgrade, so by a server that has stopped since."""
    process = _process_of(row)
    return process is None or process_gone(process)


def jobs_fail_gone() -> int:
    """Mark failed the running jobs and staffing runs whose process is gone; how many.

    Cheap when nothing runs (one query per kind); a job of a live process, here or on
    another host, is left alone."""
    running: list[tuple[type[ImportJob] | type[StaffingRun], list[str], str, str]] = [
        (
            ImportJob,
            [ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING],
            ImportJob.Status.FAILED,
            INTERRUPTED,
        ),
        (StaffingRun, [StaffingRun.Status.RUNNING], StaffingRun.Status.FAILED, RUN_INTERRUPTED),
    ]
    failed = 0
    for model, statuses, status_failed, error in running:
        rows = model._default_manager.filter(status__in=statuses)
        gone = [row.pk for row in rows if _gone(row)]
        if gone:
            # Only if still running: the job may have finished since it was read.
            failed += model._default_manager.filter(pk__in=gone, status__in=statuses).update(
                status=status_failed, error=error
            )
    return failed


def _start(fn: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    if getattr(settings, "TIMBALANS_JOBS_INLINE", False):
        fn(*args, **kwargs)
        return

    def run() -> None:
        close_old_connections()
        try:
            fn(*args, **kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"timbalans-{fn.__name__}", daemon=True)
    thread.start()


def staffing_run_start(
    *, user: Any, unit_ids: list[str], first: dt.date, last: dt.date, as_of: dt.date, pool: Pool
) -> StaffingRun:
    """Start a batch proposal for the open shifts of ``unit_ids`` in ``first``..``last``: the
    run and its work are rostering's, the thread is this module's."""
    # Imported here: the staffing core (numpy, the candidates' models) is not needed by the
    # processes that import this module only to warm the figures after an import.
    from timbalans.rostering.services import staffing_run_compute, staffing_run_create

    jobs_fail_gone()
    run = staffing_run_create(
        user=user, unit_ids=unit_ids, first=first, last=last, as_of=as_of, worker=_worker()
    )
    _start(staffing_run_compute, run_id=run.pk, pool=pool)
    return run
