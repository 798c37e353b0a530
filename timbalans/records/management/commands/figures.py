"""timbalans figures NAME --as-of D [--from D] [--to D] [--unit ID] [--case ID] [--data DIR]
--format json|csv|xlsx [--out FILE]: one figure table of spec/figures.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from timbalans.command import Command as TimbalansCommand
from timbalans.command import iso_date
from timbalans.figures.export import to_csv, to_json, to_xlsx
from timbalans.figures.frames import DataError, frames_from_files
from timbalans.figures.registry import FIGURE_NAMES, FigureRequest, figure_function
from timbalans.figures.settings import load_settings


class Command(TimbalansCommand):
    help = "Räkna fram en nyckeltalstabell (spec/figures.md) från databasen eller från filer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=FIGURE_NAMES, help="tabellens namn")
        parser.add_argument(
            "--as-of", type=iso_date, required=True, help="D: dagen som siffrorna gäller per"
        )
        parser.add_argument(
            "--from", dest="date_from", type=iso_date, help="från och med (standard: D)"
        )
        parser.add_argument(
            "--to", dest="date_to", type=iso_date, help="till och med (standard: --from)"
        )
        parser.add_argument("--unit", action="append", help="enhet (kan upprepas)")
        parser.add_argument("--case", action="append", help="ärende (kan upprepas)")
        parser.add_argument("--data", type=Path, help="kanoniska filer i stället för databasen")
        parser.add_argument("--settings-file", type=Path, help="TOML med inställningar (filläge)")
        parser.add_argument(
            "--format", choices=["json", "csv", "xlsx"], default="json", help="utformat"
        )
        parser.add_argument("--out", type=Path, help="fil att skriva (standard: skärmen)")

    def handle(self, *args: Any, **options: Any) -> None:
        units = set(options["unit"]) if options["unit"] else None
        cases = set(options["case"]) if options["case"] else None
        if options["data"]:
            try:
                frames = frames_from_files(options["data"]).scoped(units=units, cases=cases)
            except DataError as exc:
                for problem in exc.problems:
                    self.stderr.write(problem)
                raise CommandError(str(exc), returncode=1) from exc
            settings = load_settings(options["settings_file"])
        else:
            from timbalans.records.frames import frames_load
            from timbalans.records.selectors import figure_settings_load

            frames = frames_load(units=units, cases=cases)
            settings = figure_settings_load()
        request = FigureRequest.make(
            options["as_of"],
            date_from=options["date_from"],
            date_to=options["date_to"],
            settings=settings,
        )
        table = figure_function(options["name"])(frames, request)
        used = {"figur": options["name"], "as_of": request.as_of.isoformat(), **settings.describe()}
        rates = settings.rates
        fmt = options["format"]
        if fmt == "json":
            data = to_json(table)
        elif fmt == "csv":
            data = to_csv(table)
        else:
            data = to_xlsx(
                {options["name"]: table},
                settings=used,
                title=options["name"],
                rates=rates.describe(),
                rates_name=rates.name,
            )
        # The settings and rates used go to standard error: standard output is the table alone.
        self.stderr.write("Inställningar: " + json.dumps(used, ensure_ascii=False))
        self.stderr.write("Satser: " + json.dumps(rates.describe_short(), ensure_ascii=False))
        if options["out"]:
            options["out"].write_bytes(data)
        elif fmt == "xlsx":
            raise CommandError("XLSX kräver --out FILE.")
        else:
            sys.stdout.flush()
            self.stdout.write(data.decode("utf-8"), ending="")
