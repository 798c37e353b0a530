"""A validated, typed copy of a canonical data set, so that files checked once are not checked
again on every load (``frames_from_files``).

Guarantees:

* an entry is keyed by the SHA-256 of every file of the set (a folder's files with their
  names, including any ``*.profile.toml`` mapping profile in it; a .zip or a single file as
  it is) and by the code that reads and validates them (the source of ``timbalans.ingest``,
  ``timbalans.core`` and the files mode, and the polars version): change one byte of one
  file, or the rules, and the set is read and validated in full again;
* only a set that passed validation is stored, and only when its files did not change while
  it was validated; a broken or foreign entry is never used (the set is validated again);
* entries live in the data directory (``TIMBALANS_DATA_DIR``, as the settings choose it),
  ``cache/files/<key>/<table>.parquet``, written whole under another name and renamed into
  place, so that several processes may read and write at once; the ``KEEP`` most recently
  used entries are kept, and what a stopped writer left is removed after an hour.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import polars as pl
from platformdirs import user_data_dir

import timbalans
from timbalans.ingest.schema import TABLE_ORDER, frame_schema

KEEP = 4  # entries kept: a few data sets (or versions of one) side by side
HASH_THREADS = 2
STALE_SECONDS = 3600  # a copy being written takes seconds (national: about 5 s)
CODE = ("ingest", "core", "figures/frames.py", "figures/files_cache.py")
DIGESTS = "file-digests"  # cache/file-digests: the sets' files' digests (``_file_digests``)
SETTLED_SECONDS = 2.0


def cache_root() -> Path:
    """``<data directory>/cache/files``: the data directory as ``timbalans.config.settings``
    chooses it (this module stays free of Django)."""
    data_dir = os.environ.get("TIMBALANS_DATA_DIR") or user_data_dir("timbalans")
    return Path(data_dir) / "cache" / "files"


@cache
def code_version() -> str:
    """A digest of the code a cached set depends on: every source file under ``CODE`` and
    the polars version."""
    root = Path(timbalans.__file__).parent
    digest = hashlib.sha256(pl.__version__.encode())
    for part in CODE:
        path = root / part
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for f in files:
            if f.suffix in (".py", ".toml"):
                digest.update(f.relative_to(root).as_posix().encode() + b"\0")
                digest.update(f.read_bytes())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _stamp(path: Path) -> list[int]:
    """What changes whenever a file's bytes do: size, modification and change times (the
    change time is the kernel's own, which no program can set back), inode and device."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _digests_path(source: Path) -> Path:
    name = hashlib.sha256(str(source.resolve()).encode()).hexdigest()
    return cache_root().parent / DIGESTS / f"{name}.json"


def _file_digests(source: Path, paths: list[Path]) -> list[str]:
    """The SHA-256 of each of ``paths`` (the files of ``source``), each file read only when
    it is not what it was when its digest was recorded (its :func:`_stamp`).

    A digest is recorded only for a file whose last change is ``SETTLED_SECONDS`` old when it
    is read and whose stamp did not change while it was read: a later change of its bytes
    then always gives it another change time (the kernel's clock ticks in milliseconds), so
    a recorded digest is never taken for changed bytes. The record is one small JSON file per
    set (``cache/file-digests/``), written whole under another name and renamed into place.
    """
    record = _digests_path(source)
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    stamps = [_stamp(p) for p in paths]
    digests: list[str | None] = [
        entry[1] if isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp else None
        for entry, stamp in zip((known.get(p.name) for p in paths), stamps, strict=True)
    ]
    missing = [i for i, d in enumerate(digests) if d is None]
    if not missing:
        return [d for d in digests if d is not None]
    with ThreadPoolExecutor(HASH_THREADS) as pool:  # hashlib lets go of the GIL
        read = pool.map(_file_digest, [paths[i] for i in missing])
        for i, digest in zip(missing, read, strict=True):
            digests[i] = digest
    found = [d for d in digests if d is not None]
    now = time.time_ns()
    fresh = {}
    for i, (path, stamp, digest) in enumerate(zip(paths, stamps, found, strict=True)):
        settled = now - stamp[2] > SETTLED_SECONDS * 1_000_000_000
        if settled and (i not in missing or _stamp(path) == stamp):
            fresh[path.name] = [stamp, digest]
    if fresh != known:
        tmp = record.with_name(f".tmp-{secrets.token_hex(8)}")
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(fresh), encoding="utf-8")
            tmp.rename(record)
        except OSError:  # a read-only data directory: every load reads the files
            tmp.unlink(missing_ok=True)
    return found


def set_key(source: Path | str) -> str | None:
    """The key of a data set's entry, or None when there is nothing to key (no such path)."""
    source = Path(source)
    if source.is_dir():
        paths = [p for p in sorted(source.iterdir()) if p.is_file()]
    elif source.is_file():
        paths = [source]
    else:
        return None
    digests = _file_digests(source, paths)
    key = hashlib.sha256(code_version().encode())
    for path, digest in zip(paths, digests, strict=True):
        key.update(f"{path.name}\0{digest}\n".encode())
    return key.hexdigest()


def cache_read(key: str, root: Path | None = None) -> dict[str, pl.DataFrame] | None:
    """The stored tables of ``key``, each of its ``frame_schema``; None when there is no
    usable entry (missing, unreadable or of other columns: it is then removed)."""
    entry = (root or cache_root()) / key
    if not entry.is_dir():
        return None
    try:
        tables = {t: pl.read_parquet(entry / f"{t}.parquet") for t in TABLE_ORDER}
    except (OSError, pl.exceptions.PolarsError):
        shutil.rmtree(entry, ignore_errors=True)
        return None
    if any(tables[t].schema != frame_schema(t) for t in TABLE_ORDER):
        shutil.rmtree(entry, ignore_errors=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # most recently used
    return tables


def cache_write(key: str, tables: dict[str, pl.DataFrame], root: Path | None = None) -> None:
    """Store ``tables`` (every table of ``TABLE_ORDER``) under ``key``; a cache that cannot
    be written (a read-only data directory, a full disk) is no error: the set is simply
    validated again next time."""
    root = root or cache_root()
    tmp = root / f".tmp-{secrets.token_hex(8)}"
    try:
        tmp.mkdir(parents=True)
        for t in TABLE_ORDER:
            # One row group: the table is read back as one chunk (national shifts: 97
            # otherwise, which every later step pays for or copies to join).
            frame = tables[t]
            path = tmp / f"{t}.parquet"
            frame.write_parquet(
                path, compression="lz4", statistics=False, row_group_size=max(frame.height, 1)
            )
        tmp.rename(root / key)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process was first, or no room
        return
    _prune(root.iterdir())


def _prune(entries: Iterable[Path]) -> None:
    """Keep the ``KEEP`` most recently used entries; remove what a process that stopped
    while writing left (``.tmp-*`` older than ``STALE_SECONDS``)."""
    stamped = []
    now = time.time()
    for entry in entries:
        try:
            mtime = entry.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith(".tmp-"):
            if now - mtime > STALE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_dir():
            stamped.append((mtime, entry))
    for _, entry in sorted(stamped, reverse=True)[KEEP:]:
        shutil.rmtree(entry, ignore_errors=True)
