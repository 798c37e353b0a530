"""Run by test_parallel_logins in a process of its own: N threads, each with its own database
connection, guess a wrong password for one name at the same moment. Prints what the audit
trail then holds, as JSON."""

from __future__ import annotations

import json
import os
import sys
import threading

import django


def main(guesses: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
    django.setup()
    from django.contrib.auth import authenticate
    from django.core.management import call_command
    from django.db import connection

    from timbalans.accounts.models import AuditEvent
    from timbalans.accounts.services import user_create

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    user_create(username="gissad", role="admin", password="Rätt-lösenord-för-test-42")
    connection.close()
    start = threading.Barrier(guesses)
    logged_in = []

    def guess() -> None:
        start.wait()
        try:
            logged_in.append(authenticate(username="gissad", password="fel") is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(guesses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = AuditEvent.objects.filter(target="gissad")
    refused = events.filter(detail__refused="locked").count()
    print(
        json.dumps(
            {
                "logged_in": sum(logged_in),
                "checked": events.filter(action__in=["login_failed", "locked"]).count() - refused,
                "refused": refused,
                "locked": events.filter(action="locked").count(),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
