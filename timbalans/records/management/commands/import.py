"""timbalans import PATH [--dry-run] [--profile FILE]: validate and import a canonical data
set, the files a mapping profile matches read through it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from timbalans.command import Command as TimbalansCommand
from timbalans.ingest import messages as msg
from timbalans.ingest.profiles import profile_from_file
from timbalans.ingest.schema import TIME_TABLES
from timbalans.records.services import import_batch_apply, import_dataset_validate

PROFILE_USED = "  mappningsprofil {name} ({source}, sha256 {sha256}): {files_text}"


class Command(TimbalansCommand):
    help = "Importera ett kanoniskt dataset (mapp, .zip eller fil). Allt eller inget."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="mapp, .zip eller fil")
        parser.add_argument("--dry-run", action="store_true", help="validera, spara ingenting")
        parser.add_argument("--no-progress", action="store_true", help="skriv inte ut förloppet")
        parser.add_argument(
            "--profile",
            action="append",
            type=Path,
            default=[],
            help="mappningsprofil (TOML) för filerna den matchar, eller för den enda filen",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        profiles = []
        for file in options["profile"]:
            profile, problems = profile_from_file(file)
            for problem in problems:
                self.stderr.write(str(problem))
            if problem_count := len(problems):
                raise CommandError(msg.REJECTED.format(count=problem_count), returncode=1)
            assert profile is not None
            profiles.append(profile)
        dataset = import_dataset_validate(source=path, profiles=profiles)
        for note in dataset.notes:
            self.stdout.write(note)
        if not dataset.ok:
            for problem in dataset.problems:
                self.stderr.write(str(problem))
            raise CommandError(msg.REJECTED.format(count=len(dataset.problems)), returncode=1)
        files = len({f.name for f in dataset.files.values()})  # a PAXml file may give two tables
        if options["dry_run"]:
            self.stdout.write(msg.DRY_RUN_OK.format(rows=dataset.rows, files=files))
            return
        with tqdm(
            total=dataset.rows,
            unit=" rader",
            desc="Import",
            disable=True if options["no_progress"] else None,
        ) as bar:

            def progress(step: str, rows: int) -> None:
                # time tables report their rows chunk by chunk (":rows"); the others at once
                if step.endswith(":rows") or step not in TIME_TABLES:
                    bar.update(rows)

            batch = import_batch_apply(dataset=dataset, source=str(path), progress=progress)
        self.stdout.write(msg.APPLIED.format(number=batch.pk, rows=dataset.rows, files=files))
        for table, rows in batch.rows.items():
            extra = ""
            if table in batch.replaced:
                extra = f" (ersatte {batch.replaced[table]})"
            elif table in batch.changed:
                extra = f" (nya eller ändrade {batch.changed[table]})"
            self.stdout.write(f"  {table}: {rows}{extra}")
        for p in batch.profiles:
            self.stdout.write(PROFILE_USED.format(**p, files_text=", ".join(p["files"])))
        # The overview's tables into the figure cache every server process reads (the
        # figures imported only now: the import needs none of them).
        from timbalans.records.figure_access import figures_warm_reported

        self.stdout.write(figures_warm_reported())
