"""timbalans batches: list the imports."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from timbalans.command import Command as TimbalansCommand
from timbalans.records.selectors import import_batch_list


class Command(TimbalansCommand):
    help = "Lista importerna."

    def handle(self, *args: Any, **options: Any) -> None:
        batches = import_batch_list()
        if not batches:
            self.stdout.write("Inga importer.")
            return
        self.stdout.write(f"{'nr':>4}  {'tid':16}  {'av':12}  {'status':9}  {'rader':>9}  källa")
        for b in batches:
            when = timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M")
            rows = sum(b.rows.values())
            self.stdout.write(
                f"{b.pk:>4}  {when:16}  {b.created_by_name[:12]:12}  "
                f"{b.get_status_display():9}  {rows:>9}  {b.source}"
            )
            for f in b.files:
                self.stdout.write(f"        {f['name']}  {f['rows']} rader  sha256 {f['sha256']}")
            for p in b.profiles:
                version = f"version {p['version']}" if p["version"] else p["source"]
                self.stdout.write(
                    f"        profil {p['name']} ({version})  sha256 {p['sha256']}  "
                    f"filer: {', '.join(p['files'])}"
                )
