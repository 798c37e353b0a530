"""timbalans restore DIR [--replace]: a backup of ``timbalans backup`` into this installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from timbalans.command import Command as TimbalansCommand
from timbalans.records.backup import BackupError, backup_restore

DONE = "Återställde säkerhetskopian från {made} ({database})."


class Command(TimbalansCommand):
    help = "Återställ en säkerhetskopia (från timbalans backup) i en ny eller stoppad installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="mappen med säkerhetskopian")
        parser.add_argument(
            "--replace", action="store_true", help="ersätt en databas som redan har tabeller"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(source=options["source"], replace=options["replace"])
        except BackupError as e:
            raise CommandError(str(e), returncode=1) from e
        call_command("migrate", verbosity=0)  # a backup of an older version
        self.stdout.write(DONE.format(made=manifest["made"], database=manifest["database"]))
