"""A decision entered by hand (a decision letter that came on paper), as an import of one row.

Guarantees:

* the values are checked by the import's own validation (``ingest.validate``): the form's
  values become a one-row ``decisions`` table, validated against the case's stored decisions,
  so every value, row and reference rule and every message is the import's; a superseded
  older decision gives the import's notice;
* on top of that, what a form entry must not do: enter a decision for a case outside the
  user's units, or a second decision of a case from the same date (an import would silently
  change the stored one; a new decision letter starts on a new date);
* a valid entry is written by ``import_batch_apply`` as a batch of its own (undone like any
  other, from the import page or ``timbalans undo-import``), and the audit trail records who
  entered it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction

from timbalans.accounts.models import AuditEvent
from timbalans.accounts.services import audit_log
from timbalans.ingest.problems import Problem
from timbalans.ingest.read import RawDataset, RawFile
from timbalans.ingest.schema import TABLES
from timbalans.ingest.validate import ROW, Dataset, Known, validate
from timbalans.records import models as m
from timbalans.records.selectors import known_for_case
from timbalans.records.services import data_writes_one, import_batch_apply

TABLE = "decisions"
FIELDS = TABLES[TABLE].names  # the form's fields: the columns of decisions.csv
FORM_FILE = "formuläret"  # the "file" the problems and notices name
FORM_FORMAT = "formulär"
SOURCE = "Beslut inmatat för hand, ärende {case}"

NOT_YOUR_CASE = (
    'ärendet "{case}" finns inte bland ärendena i dina enheter; förväntat ett ärende i en '
    "enhet som du är chef för."
)
DECISION_EXISTS = (
    'ärendet "{case}" har redan ett beslut som gäller från {start}; förväntat ett annat '
    "datum (ett nytt beslut gäller från ett nytt datum; ett felaktigt beslut rättas genom att "
    "importen som lade in det ångras)."
)


class DecisionRejected(Exception):
    """The entry has problems (each with its column); nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class DecisionEntered:
    batch: m.ImportBatch
    notes: list[str]  # the import's notices (an older decision superseded)


def decision_raw(values: Mapping[str, str]) -> RawDataset:
    """The form's values as a raw data set of one ``decisions`` row, as a CSV file would be
    read: every column a string, an empty field missing."""
    row = {name: (str(values.get(name) or "").strip() or None) for name in FIELDS}
    frame = pl.DataFrame([row], schema=dict.fromkeys(FIELDS, pl.String))
    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode("utf-8")).hexdigest()
    raw = RawFile(TABLE, FORM_FILE, FORM_FORMAT, digest, frame)
    return RawDataset(files={TABLE: raw})


def decision_validate(
    *, values: Mapping[str, str], unit_ids: frozenset[str] | None
) -> tuple[Dataset, list[Problem]]:
    """The entry validated as an import (against the case's stored decisions), and every
    problem: the import's and those of a form entry (``NOT_YOUR_CASE``, ``DECISION_EXISTS``)."""
    raw = decision_raw(values)
    case_id = raw.files[TABLE].frame.item(0, "case_id") or ""
    known = known_for_case(case_id=case_id)
    units = known.cases.get_column("unit_id").to_list()
    # A case outside the user's units is answered as one that does not exist (as its page
    # is): nothing about it, or its decisions, is told.
    outside = bool(case_id) and unit_ids is not None and not (units and units[0] in unit_ids)
    if outside:
        known = Known()
    dataset = validate(raw, known)
    problems = [p for p in dataset.problems if not (outside and p.column == "case_id")]
    if outside:
        problems.append(Problem(FORM_FILE, 2, "case_id", NOT_YOUR_CASE.format(case=case_id)))
    parsed = dataset.frames.get(TABLE)
    start = parsed.item(0, "valid_from") if parsed is not None and parsed.height else None
    if start is not None and known.decisions.filter(pl.col("valid_from") == start).height:
        problems.append(
            Problem(FORM_FILE, 2, "valid_from", DECISION_EXISTS.format(case=case_id, start=start))
        )
    return dataset, problems


def decision_enter(
    *,
    values: Mapping[str, str],
    user: Any,
    unit_ids: frozenset[str] | None,
    ip: str | None = None,
) -> DecisionEntered:
    """Validate and write one decision as a batch of its own; raises ``DecisionRejected``.

    ``unit_ids``: the units whose cases the user may enter decisions for (None: every unit).
    """
    # One transaction holding the data's write turn: the stored decisions checked against
    # are those the write lands on (an import cannot slip in between).
    with transaction.atomic():
        data_writes_one()
        dataset, problems = decision_validate(values=values, unit_ids=unit_ids)
        if problems:
            raise DecisionRejected(problems)
        case_id = str(dataset.frames[TABLE].item(0, "case_id"))
        batch = import_batch_apply(dataset=dataset, source=SOURCE.format(case=case_id), user=user)
        row = dataset.frames[TABLE].drop(ROW).row(0, named=True)
        audit_log(
            user=user,
            action=AuditEvent.Action.IMPORT,
            target=f"import {batch.pk}",
            detail={
                "files": [FORM_FILE],
                "rows": batch.rows,
                "decision": {k: (None if v is None else str(v)) for k, v in row.items()},
            },
            ip=ip,
        )
    return DecisionEntered(batch=batch, notes=list(dataset.notes))
