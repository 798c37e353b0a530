"""The web profile editor: a sample file, the form that maps it, and the profile it makes.

The form is only a way of writing a profile's TOML text (``ingest/profiles.py``): the text is
built from the form, parsed and applied exactly as a profile file in a data folder is, so the
preview shows what an import with the saved profile gives. Samples are kept in a folder of
their own under the uploads, named by a random id.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.core.files.uploadedfile import UploadedFile

from timbalans.ingest.problems import Problem, sort_problems
from timbalans.ingest.profiles import (
    DEFAULT_FORMATS,
    ROW,
    TIME_KINDS,
    Profile,
    profile_apply,
    profile_parse,
)
from timbalans.ingest.read import RawDataset, RawFile, read_source
from timbalans.ingest.schema import TABLES, Column
from timbalans.ingest.validate import validate
from timbalans.records.selectors import known_references
from timbalans.text import labels
from timbalans.web.jobs import uploads_dir

SAMPLE_SUFFIXES = {".csv", ".txt", ".xlsx"}
SAMPLE_BAD = "Exempelfilen ska vara en CSV- eller Excel-fil (.csv, .txt eller .xlsx)."
SAMPLE_MISSING = "Välj en exempelfil."
SAMPLE_GONE = "Exempelfilen finns inte längre; ladda upp den igen."
SAMPLE_ID = re.compile(r"^[0-9a-f]{32}$")
PREVIEW_ROWS = 20
MAP_VALUES = 40  # distinct source values offered for a value map
SKIP = "__skip__"

# Swedish names of the canonical values, for the form and the preview: the one mapping of
# text.labels, in lower case inside the form's sentences ("HSL" and "OB" stay as they are), and
# the payer FK by its full name.
VALUE_LABELS = {
    code: name[:1].lower() + name[1:] if name[1:2].islower() else name
    for code, name in labels.VALUE_LABELS.items()
} | {"FK": "Försäkringskassan"}
TABLE_LABELS = {name: t.label for name, t in TABLES.items()}


def value_label(value: str) -> str:
    return VALUE_LABELS.get(value, value)


# ---------------------------------------------------------------- samples


def sample_save(*, upload: UploadedFile | None) -> str:
    """Keep an uploaded sample file; its id. Raises ValueError with the message."""
    if upload is None:
        raise ValueError(SAMPLE_MISSING)
    name = Path(upload.name or "").name
    if not name or Path(name).suffix.lower() not in SAMPLE_SUFFIXES:
        raise ValueError(SAMPLE_BAD)
    sample = uuid.uuid4().hex
    folder = _samples() / sample
    folder.mkdir(parents=True)
    with (folder / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return sample


def sample_file(sample: str) -> Path:
    """The sample's file. Raises ValueError when there is none."""
    folder = _samples() / sample
    files = sorted(folder.iterdir()) if SAMPLE_ID.match(sample) and folder.is_dir() else []
    if len(files) != 1:
        raise ValueError(SAMPLE_GONE)
    return files[0]


def sample_copy(sample: str, target: Path) -> str:
    """Copy the sample's file into ``target`` (an import job's folder); its name."""
    path = sample_file(sample)
    shutil.copyfile(path, target / path.name)
    return path.name


def _samples() -> Path:
    return uploads_dir() / "profile-samples"


@dataclass
class Sample:
    name: str
    columns: list[str]
    rows: list[list[str]]  # the first rows, as text
    problems: list[Problem]
    frame: pl.DataFrame | None

    def distinct(self, column: str) -> list[str]:
        if self.frame is None or column not in self.frame.columns:
            return []
        values = self.frame.get_column(column).drop_nulls().str.strip_chars()
        return sorted(v for v in values.unique().to_list() if v)[:MAP_VALUES]


def sample_distinct_if_enum(sample: Sample, col: Column, source: str) -> list[str]:
    """The sample's values of ``source`` when they map to a column of fixed values."""
    return sample.distinct(source) if source and col.kind == "enum" else []


def sample_read(sample: str, *, sheet: str | None = None) -> Sample:
    path = sample_file(sample)
    problems: list[Problem] = []
    frame = read_source(path.name, path.read_bytes(), problems, sheet=sheet or None)
    if frame is None:
        return Sample(path.name, [], [], problems, None)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    rows = [["" if v is None else str(v) for v in r] for r in frame.head(PREVIEW_ROWS).rows()]
    return Sample(path.name, frame.columns, rows, problems, frame)


# ---------------------------------------------------------------- form <-> profile text


def _quote(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _key(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9_-]+", value) else _quote(value)


def profile_text(data: Mapping[str, str], sample: Sample) -> str:
    """The TOML text of a profile from the editor's form fields."""
    table = data.get("table", "")
    lines = [
        "# Mappningsprofil gjord i Timbalans profilredigerare",
        f"name = {_quote(data.get('name', '').strip())}",
    ]
    patterns = [p.strip() for p in data.get("files", "").split(",") if p.strip()]
    lines.append("files = [" + ", ".join(_quote(p) for p in patterns) + "]")
    lines.append(f"table = {_quote(table)}")
    if data.get("sheet", "").strip():
        lines.append(f"sheet = {_quote(data['sheet'].strip())}")
    lines += ["", "[formats]"]
    for key in ("date", "time", "datetime", "decimal", "break"):
        value = data.get(f"fmt_{key}", "").strip()
        if value and value != DEFAULT_FORMATS[key]:
            lines.append(f"{key} = {_quote(value)}")
    lines += ["", "[columns]"]
    maps: list[str] = []
    spec = TABLES.get(table)
    for col in spec.columns if spec else ():
        source = data.get(f"src_{col.name}", "")
        time = data.get(f"time_{col.name}", "")
        value = data.get(f"value_{col.name}", "").strip()
        if source and time and col.kind in TIME_KINDS:
            lines.append(f"{col.name} = {{ date = {_quote(source)}, time = {_quote(time)} }}")
        elif source:
            lines.append(f"{col.name} = {_quote(source)}")
        elif value:
            lines.append(f"{col.name} = {{ value = {_quote(value)} }}")
        if source and col.kind == "enum":
            maps += _map_lines(data, col, sample.distinct(source))
    return "\n".join(lines + maps) + "\n"


def _map_lines(data: Mapping[str, str], col: Column, values: list[str]) -> list[str]:
    pairs = []
    for i, code in enumerate(values):
        target = data.get(f"map_{col.name}_{i}", "")
        if target == SKIP:
            pairs.append(f"{_quote(code)} = false")
        elif target:
            pairs.append(f"{_quote(code)} = {_quote(target)}")
    # Values written the canonical way need no map: a map is written only when one is chosen.
    return ["", f"[values.{col.name}]", *pairs] if pairs else []


def form_from_profile(profile: Profile) -> dict[str, str]:
    """The form fields of a saved profile (what the form can say)."""
    data = {
        "name": profile.name,
        "files": ", ".join(profile.patterns),
        "table": profile.table or "",
        "sheet": profile.sheet or "",
    }
    for key, value in profile.formats.items():
        data[f"fmt_{key}"] = value
    for name, entry in profile.entries.items():
        if entry.date and entry.time:
            data[f"src_{name}"], data[f"time_{name}"] = entry.date, entry.time
        elif entry.source:
            data[f"src_{name}"] = entry.source
        elif entry.value is not None:
            data[f"value_{name}"] = entry.value
    return data


def form_maps(profile: Profile | None, sample: Sample, data: Mapping[str, str]) -> None:
    """Fill the map fields of ``data`` (a dict) from ``profile``'s value maps."""
    if profile is None or not isinstance(data, dict):
        return
    for name, vmap in profile.maps.items():
        source = data.get(f"src_{name}", "")
        for i, code in enumerate(sample.distinct(source)):
            target = vmap.values.get(code.lower(), "")
            data[f"map_{name}_{i}"] = SKIP if target is None else target


# ---------------------------------------------------------------- the preview


@dataclass
class Preview:
    text: str
    profile: Profile | None
    profile_problems: list[Problem] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.profile is not None and not self.problems


def preview_build(*, text: str, sample: Sample) -> Preview:
    """The profile of ``text`` applied to the sample and validated against what is stored:
    the canonical rows and every problem, as an import would list them."""
    profile, problems = profile_parse(text, source="profilen")
    preview = Preview(text=text, profile=profile, profile_problems=problems)
    if profile is None or profile.table is None or sample.frame is None:
        preview.problems = list(sample.problems)
        return preview
    applied = profile_apply(profile, sample.frame, sample.name)
    preview.notes = applied.notes
    problems = list(applied.problems)
    if applied.frame is not None:
        spec = TABLES[profile.table]
        preview.columns = [c for c in spec.columns if c.name in applied.frame.columns]
        preview.total = applied.frame.height
        for rec in applied.frame.head(PREVIEW_ROWS).iter_rows(named=True):
            preview.rows.append([str(rec[ROW]), *(_shown(c, rec[c.name]) for c in preview.columns)])
        raw = RawDataset(
            files={profile.table: RawFile(profile.table, sample.name, "csv", "", applied.frame)}
        )
        problems += validate(raw, known_references()).problems
    preview.problems = sort_problems(problems)
    return preview


def _shown(col: Column, value: Any) -> str:
    if value is None:
        return ""
    return value_label(str(value)) if col.kind == "enum" else str(value)
