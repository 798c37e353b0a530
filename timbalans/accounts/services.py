"""Writes: users and their access, login throttling, the audit trail."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from timbalans.accounts.access import ADMIN, ROLE_LABELS, UNIT_MANAGER
from timbalans.accounts.models import AuditEvent, LoginThrottle, Profile, UnitAccess

UNKNOWN_ROLE = "Okänd roll {role}: välj en av {roles}."
UNIT_MANAGER_NEEDS_UNITS = "En enhetschef måste ha minst en enhet."
WEAK_PASSWORD = "Lösenordet duger inte: {reasons}"  # noqa: S105 - a message


def audit_log(
    *,
    user: Any,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Record one event. ``user`` may be None or anonymous (the CLI, a failed login)."""
    real = user if user is not None and getattr(user, "is_authenticated", False) else None
    name = real.get_username() if real is not None else (str(user) if user else "system")
    return AuditEvent.objects.create(
        user=real, username=name, action=action, target=target, detail=detail or {}, ip=ip
    )


def user_access_set(*, user: Any, role: str, unit_ids: list[str], by: Any = None) -> Profile:
    if role not in ROLE_LABELS:
        raise ValueError(UNKNOWN_ROLE.format(role=role, roles=", ".join(ROLE_LABELS)))
    if role == UNIT_MANAGER and not unit_ids:
        raise ValueError(UNIT_MANAGER_NEEDS_UNITS)
    with transaction.atomic():
        profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role})
        profile.units.all().delete()
        UnitAccess.objects.bulk_create(
            UnitAccess(profile=profile, unit_id=u) for u in sorted(set(unit_ids))
        )
        # The admin site is for administrators only: a role changed away from admin (by
        # hand or by the provider's claims at a single sign-on) takes it away.
        if user.is_staff != (role == ADMIN) or user.is_superuser != (role == ADMIN):
            user.is_staff = user.is_superuser = role == ADMIN
            user.save(update_fields=["is_staff", "is_superuser"])
        audit_log(
            user=by,
            action=AuditEvent.Action.USER,
            target=user.get_username(),
            detail={"role": role, "units": sorted(set(unit_ids))},
        )
    return profile


def user_create(
    *,
    username: str,
    role: str,
    unit_ids: list[str] | None = None,
    password: str | None = None,
    by: Any = None,
) -> tuple[AbstractBaseUser, str]:
    """Create a user with a role and units; returns the user and the password (generated
    when none is given)."""
    password = password or secrets.token_urlsafe(12)
    try:
        validate_password(password, user=get_user_model()(username=username))
    except ValidationError as e:
        raise ValueError(WEAK_PASSWORD.format(reasons=" ".join(e.messages))) from e
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password)
        user_access_set(user=user, role=role, unit_ids=unit_ids or [], by=by)
    return user, password


def _limits() -> tuple[int, timedelta]:
    return (
        int(getattr(settings, "TIMBALANS_LOGIN_MAX_FAILURES", 5)),
        timedelta(minutes=int(getattr(settings, "TIMBALANS_LOCKOUT_MINUTES", 15))),
    )


def login_attempt_begin(*, username: str, ip: str | None = None) -> bool:
    """Count one password check for ``username`` before it is made; False when the name is
    locked (the refusal is audited and no password is checked).

    The count is one conditional UPDATE, so parallel guesses cannot all pass a check made
    before any of them was counted: PostgreSQL re-evaluates the condition on the locked row,
    SQLite takes its write lock for the statement. Counting first also means a check that
    never finishes (a killed process) stays counted.
    """
    max_failures, _ = _limits()
    now = timezone.now()
    LoginThrottle.objects.get_or_create(username=username)
    rows = LoginThrottle.objects.filter(username=username)
    with transaction.atomic():
        # An ended lock starts a new count.
        rows.filter(locked_until__lte=now).update(failures=0, locked_until=None)
        allowed = rows.filter(locked_until__isnull=True, failures__lt=max_failures).update(
            failures=F("failures") + 1
        )
        if not allowed:
            audit_log(
                user=AnonymousUser(),
                action=AuditEvent.Action.LOGIN_FAILED,
                target=username,
                detail={"refused": "locked"},
                ip=ip,
            )
    return bool(allowed)


def login_failure_record(*, username: str, ip: str | None = None) -> bool:
    """A counted check failed: audit it, and lock the name when it used the last allowed
    check. Returns True when this failure locked the name."""
    max_failures, lock_for = _limits()
    with transaction.atomic():
        locked = bool(
            LoginThrottle.objects.filter(
                username=username, failures__gte=max_failures, locked_until__isnull=True
            ).update(locked_until=timezone.now() + lock_for)
        )
        audit_log(
            user=AnonymousUser(),
            action=AuditEvent.Action.LOCKED if locked else AuditEvent.Action.LOGIN_FAILED,
            target=username,
            ip=ip,
        )
    return locked


def login_success_record(*, user: Any, ip: str | None = None) -> None:
    LoginThrottle.objects.filter(username=user.get_username()).delete()
    audit_log(user=user, action=AuditEvent.Action.LOGIN, target=user.get_username(), ip=ip)
