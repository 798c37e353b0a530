"""timbalans undo-import N: undo the newest import exactly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from timbalans.command import Command as TimbalansCommand
from timbalans.ingest import messages as msg
from timbalans.records.services import UndoRefused, import_batch_undo


class Command(TimbalansCommand):
    help = "Ångra en import (den senaste som gäller)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", type=int, help="importens nummer (se timbalans batches)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            batch = import_batch_undo(number=options["number"])
        except UndoRefused as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(msg.UNDONE.format(number=batch.pk))
        from timbalans.records.figure_access import figures_warm_reported  # after the undo

        self.stdout.write(figures_warm_reported())
