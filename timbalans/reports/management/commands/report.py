"""timbalans report handlingsplan|aterrapportering|manadsuppfoljning [--unit ID] --as-of D
--format docx|pdf|xlsx --out FILE: a document from the data in the database.

(``action-plan``, ``board`` and ``monthly`` are accepted for the three kinds too.) The command
runs with every unit in view, as an operator's tool, and is logged as "system".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.http import Http404

from timbalans.accounts.access import ADMIN, Access
from timbalans.command import Command as TimbalansCommand
from timbalans.command import iso_date
from timbalans.plans.services import PlanError
from timbalans.reports.models import Report
from timbalans.reports.services import ALIASES, KINDS, ReportError, document_make

UNKNOWN_REPORT = "Rapport {id} finns inte."


class Command(TimbalansCommand):
    help = "Ta fram en handlingsplan, återrapportering eller månadsuppföljning ur datan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*KINDS, *ALIASES], help="dokumentets slag")
        parser.add_argument("--unit", default="", help="enhet (utan: hela avdelningen)")
        parser.add_argument(
            "--as-of", type=iso_date, required=True, help="D: dagen som dokumentet gäller per"
        )
        parser.add_argument(
            "--format", choices=["docx", "pdf", "xlsx"], required=True, help="filformat"
        )
        parser.add_argument("--out", type=Path, required=True, help="fil att skriva")
        parser.add_argument(
            "--report", type=int, help="återrapportering: en sparad rapports texter"
        )
        parser.add_argument(
            "--start",
            type=iso_date,
            default=None,
            help="handlingsplan för en enhet utan sparad plan: förslagets startdatum",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        access = Access.make(username="system", role=ADMIN)
        report = None
        if options["report"] is not None:
            report = Report.objects.filter(pk=options["report"]).first()
            if report is None:
                raise CommandError(UNKNOWN_REPORT.format(id=options["report"]))
        try:
            made = document_make(
                access=access,
                user=None,
                kind=options["kind"],
                # A saved report is about its own unit unless told otherwise.
                unit_id=options["unit"] or (report.unit_id if report else ""),
                as_of=options["as_of"],
                format=options["format"],
                report=report,
                start=options["start"],
            )
        except (ReportError, PlanError, PermissionDenied, Http404) as exc:
            raise CommandError(str(exc) or "Enheten finns inte.") from exc
        options["out"].write_bytes(made.content)
        self.stdout.write(f"Skrev {options['out']} ({len(made.content)} byte).")
