"""Reads: a user's access, login locks, the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from timbalans.accounts.access import ADMIN, UNIT_MANAGER, Access
from timbalans.accounts.models import AuditEvent, LoginThrottle, Profile


def access_for(*, user: Any) -> Access | None:
    """The user's access, or None for a user with no role (who then sees nothing)."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Access.make(username=user.get_username(), role=ADMIN)
    try:
        profile = Profile.objects.prefetch_related("units").get(user=user)
    except Profile.DoesNotExist:
        return None
    return Access.make(
        username=user.get_username(),
        role=profile.role,
        unit_ids=[u.unit_id for u in profile.units.all()],
    )


def unit_sets_of_unit_managers() -> list[frozenset[str]]:
    """The distinct sets of units that active unit managers see (the scopes of their pages
    when no unit is chosen), largest first."""
    units: dict[int, set[str]] = {}
    rows = Profile.objects.filter(role=UNIT_MANAGER, user__is_active=True, user__is_superuser=False)
    for profile_id, unit_id in rows.values_list("pk", "units__unit_id"):
        units.setdefault(profile_id, set())
        if unit_id is not None:
            units[profile_id].add(unit_id)
    distinct = {frozenset(u) for u in units.values() if u}
    return sorted(distinct, key=lambda u: (-len(u), sorted(u)))


def login_is_locked(*, username: str) -> bool:
    """True while the name is locked, or has used every allowed check and the last of them
    is still being made."""
    row = LoginThrottle.objects.filter(username=username).first()
    if row is None:
        return False
    if row.locked_until is not None:
        return row.locked_until > timezone.now()
    return row.failures >= int(getattr(settings, "TIMBALANS_LOGIN_MAX_FAILURES", 5))


def audit_event_list(*, action: str | None = None, username: str | None = None) -> QuerySet:
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if username:
        events = events.filter(username=username)
    return events
