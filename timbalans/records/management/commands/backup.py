"""timbalans backup OUT: the database and the data directory into the new folder OUT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from timbalans.command import Command as TimbalansCommand
from timbalans.records.backup import BackupError, backup_write

DONE = "Säkerhetskopian ({database}) finns i {path}."


class Command(TimbalansCommand):
    help = "Säkerhetskopiera databasen och datamappen till en ny mapp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="en ny mapp för säkerhetskopian")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_write(out=options["out"])
        except BackupError as e:
            raise CommandError(str(e), returncode=1) from e
        self.stdout.write(DONE.format(database=manifest["database"], path=options["out"]))
