"""timbalans staffing propose --shift ID | fill [--unit ID] --from D --to D: staffing proposals.

``propose``: one open shift's candidates in the priority order, with reasons, and the staff
excluded with the rule that excludes each. ``fill``: the CP-SAT proposal for the open shifts of
a horizon next to the greedy baseline (priority order, first fit), with the saving and the
the solver's status in words. Both read the database, or canonical files with ``--data DIR``.

From the database the settings are ``rostering.selectors.staffing_config_load``'s, as on the
coordinator's page: each case's stored continuity rule holds, under the ``--config`` file's
own ``cases``. Canonical files have no stored rules: there only the file's settings hold.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from timbalans.command import Command as TimbalansCommand
from timbalans.command import iso_date
from timbalans.staffing.fill import Fill
from timbalans.staffing.instance import STATUS_LABELS, TIER_LABELS, Config
from timbalans.staffing.rank import Ranking

BAD_CONFIG = "Inställningsfilen {path} går inte att läsa: {error}"
REVERSED = "--from ({first}) ligger efter --to ({last})."
BEFORE_D = (
    "Perioden {first}–{last} ligger inte efter D ({as_of}): förslag görs bara för pass som "
    "börjar efter D. Ange --from och --to efter D, eller ett tidigare --as-of."
)
NO_OPEN_SHIFTS = "Inga öppna pass att bemanna {first}–{last} (D = {as_of})."
SCHEDULE_ENDS = "Schemat slutar {day}: det finns inga planerade pass efter det att bemanna."


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def _sek(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ") + " kr"


class Command(TimbalansCommand):
    help = "Bemanningsförslag: rangordnade kandidater för ett öppet pass, eller fyll en period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        propose = sub.add_parser("propose", help="kandidater för ett öppet pass")
        propose.add_argument("--shift", required=True, help="passets id")
        fill = sub.add_parser("fill", help="fyll öppna pass i en period")
        fill.add_argument("--unit", action="append", help="enhet (kan upprepas; utan: alla)")
        fill.add_argument(
            "--from", dest="date_from", type=iso_date, required=True, help="första dagen"
        )
        fill.add_argument("--to", dest="date_to", type=iso_date, required=True, help="sista dagen")
        fill.add_argument("--time-limit", type=float, help="sekunder för lösaren")
        for p in (propose, fill):
            p.add_argument(
                "--as-of",
                type=iso_date,
                help=(
                    "D, dagen förslaget görs: frånvaro, arbetad tid och bokade pass till och med "
                    "D räknas som kända; pass efter D är planerade (standard: i dag)"
                ),
            )
            p.add_argument("--format", choices=["json", "text"], default="text", help="utformat")
            p.add_argument("--config", type=Path, help="JSON med bemanningsinställningar")
            p.add_argument("--data", type=Path, help="kanoniska filer i stället för databasen")

    def handle(self, *args: Any, **options: Any) -> None:
        config = self._config(options)
        if options["action"] == "propose":
            ranking = self._propose(options, config)
            if options["format"] == "json":
                self.stdout.write(ranking.model_dump_json(indent=2))
            else:
                self._ranking_text(ranking)
            return
        first, last = options["date_from"], options["date_to"]
        if first > last:
            raise CommandError(REVERSED.format(first=first, last=last))
        as_of = options["as_of"] or timezone.localdate()
        if last <= as_of:
            raise CommandError(BEFORE_D.format(first=first, last=last, as_of=as_of))
        result = self._fill(options, config)
        if options["format"] == "json":
            self.stdout.write(result.model_dump_json(indent=2))
        elif not result.shifts:
            # say why there is nothing, rather than a proposal of zeros
            self.stdout.write(NO_OPEN_SHIFTS.format(first=first, last=last, as_of=as_of))
            schedule_end = self._schedule_end(options)
            if schedule_end is not None and schedule_end < first:
                self.stdout.write(SCHEDULE_ENDS.format(day=schedule_end))
        else:
            self._fill_text(result)

    def _schedule_end(self, options: dict[str, Any]) -> date | None:
        """The local day the last planned shift ends (None without shifts)."""
        if options["data"]:
            from timbalans.figures.frames import frames_from_files

            ends = frames_from_files(options["data"]).shifts.get_column("end")
            last = ends.max() if ends.len() else None
            return last.date() if isinstance(last, datetime) else None
        from django.db.models import Max

        from timbalans.records.models import Shift

        found = Shift.objects.aggregate(last=Max("end"))["last"]
        return timezone.localtime(found).date() if found else None

    # ------------------------------------------------------------------ reading

    def _config(self, options: dict[str, Any]) -> Config:
        values: dict[str, Any] = {}
        if options.get("config"):
            try:
                values = json.loads(options["config"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(BAD_CONFIG.format(path=options["config"], error=exc)) from exc
        if options.get("time_limit") is not None:
            values["time_limit_s"] = options["time_limit"]
        try:
            if options.get("data"):
                return Config(**values)
            from timbalans.rostering.selectors import staffing_config_load

            return staffing_config_load(values=values)
        except ValueError as exc:
            raise CommandError(BAD_CONFIG.format(path=options.get("config"), error=exc)) from exc

    def _propose(self, options: dict[str, Any], config: Config) -> Ranking:
        if options["data"]:
            from timbalans.figures.frames import frames_from_files
            from timbalans.figures.settings import load_settings
            from timbalans.staffing.candidates import instance_from_frames
            from timbalans.staffing.prepared import Prepared
            from timbalans.staffing.rank import rank_shift

            as_of = options["as_of"] or timezone.localdate()
            instance = instance_from_frames(
                frames_from_files(options["data"]),
                as_of=as_of,
                settings=load_settings(),
                config=config,
                shift_ids={options["shift"]},
            )
            if not instance.shifts:
                from timbalans.rostering.selectors import SHIFT_NOT_OPEN

                raise CommandError(SHIFT_NOT_OPEN.format(id=options["shift"], as_of=as_of))
            return rank_shift(Prepared(instance, config), options["shift"])
        from timbalans.rostering.selectors import StaffingError, staffing_candidates

        try:
            return staffing_candidates(
                shift_id=options["shift"], as_of=options["as_of"], config=config
            )
        except StaffingError as exc:
            raise CommandError(str(exc)) from exc

    def _fill(self, options: dict[str, Any], config: Config) -> Fill:
        units = set(options["unit"]) if options["unit"] else None
        if options["data"]:
            from timbalans.figures.frames import frames_from_files
            from timbalans.figures.settings import load_settings
            from timbalans.staffing.candidates import instance_from_frames
            from timbalans.staffing.fill import fill

            instance = instance_from_frames(
                frames_from_files(options["data"]),
                as_of=options["as_of"] or timezone.localdate(),
                settings=load_settings(),
                config=config,
                first=options["date_from"],
                last=options["date_to"],
                units=units,
            )
            return fill(instance, config)
        from timbalans.rostering.selectors import StaffingError, staffing_fill

        try:
            return staffing_fill(
                first=options["date_from"],
                last=options["date_to"],
                units=units,
                as_of=options["as_of"],
                config=config,
            )
        except StaffingError as exc:
            raise CommandError(str(exc)) from exc

    # ------------------------------------------------------------------ text

    def _ranking_text(self, r: Ranking) -> None:
        s = r.shift
        why = (
            "obemannat"
            if s.reason == "unassigned"
            else f"ordinarie {s.absent_employee_id} frånvarande"
        )
        self.stdout.write(
            f"Pass {s.id}, ärende {s.case_id}, enhet {s.unit_id}: "
            f"{s.start:%Y-%m-%d %H:%M}–{s.end:%H:%M} ({s.kind}, {why})"
        )
        self.stdout.write(f"Kandidater ({len(r.candidates)}):")
        for i, c in enumerate(r.candidates, 1):
            self.stdout.write(
                f"{i:>3}. {c.employee_id} ({c.unit_id}) {TIER_LABELS[c.tier]}, {_sek(c.cost_sek)}"
            )
            for reason in c.reasons:
                self.stdout.write(f"       {reason}")
        self.stdout.write(f"Uteslutna ({len(r.excluded)}):")
        for e in r.excluded:
            self.stdout.write(f"     {e.employee_id} ({e.unit_id}): {e.reason}")

    def _fill_text(self, f: Fill) -> None:
        p, g = f.proposal, f.greedy
        self.stdout.write(f"Öppna pass: {len(f.shifts)}, kandidater: {f.candidates}, D = {f.as_of}")
        self.stdout.write(
            f"CP-SAT: {len(p.assignments)} bemannade, {len(p.unfilled)} öppna, "
            f"merkostnad {_sek(p.cost_sek)}, nya för brukaren {f.new_to_client['proposal']}, "
            f"{STATUS_LABELS.get(p.status, p.status)}, " + f"{p.seconds:.1f} s".replace(".", ",")
        )
        self.stdout.write(
            f"Prioritetsordning (girig): {len(g.assignments)} bemannade, {len(g.unfilled)} öppna, "
            f"merkostnad {_sek(g.cost_sek)}, nya för brukaren {f.new_to_client['greedy']}"
        )
        self.stdout.write(
            f"Besparing mot prioritetsordningen: merkostnad {_sek(f.saving_sek)} "
            f"({_pct(f.saving_pct)}), med straff för nya för brukaren "
            f"{_sek(f.objective_saving_sek)} ({_pct(f.objective_saving_pct)})"
        )
        for a in p.assignments:
            self.stdout.write(
                f"  {a.shift_id}: {a.employee_id} {TIER_LABELS.get(a.tier, '')} {_sek(a.cost_sek)}"
                + (" (ny för brukaren)" if a.new_to_client else "")
            )
        for v in f.violations:
            self.stdout.write(f"  REGELBROTT {v.rule} {v.employee_id} {v.shift_ids}: {v.text}")
