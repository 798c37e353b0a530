"""Users' roles and units, login throttling, and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from timbalans.accounts.access import ROLE_LABELS


class Profile(models.Model):
    """A user's role and, for unit managers, the units they lead.

    Units are kept as unit codes rather than foreign keys so that access survives an import
    being undone and redone.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=20, choices=list(ROLE_LABELS.items()))

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profiler"

    def __str__(self) -> str:
        return f"{self.user} ({ROLE_LABELS.get(self.role, self.role)})"


class UnitAccess(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="units")
    unit_id = models.CharField(max_length=50)

    class Meta:
        verbose_name = "enhetsbehörighet"
        verbose_name_plural = "enhetsbehörigheter"
        constraints = [
            models.UniqueConstraint(fields=["profile", "unit_id"], name="unit_access_unique")
        ]

    def __str__(self) -> str:
        return self.unit_id


class LoginThrottle(models.Model):
    """Failed logins per user name (also for names that do not exist, so none is revealed)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class AuditEvent(models.Model):
    """Who did or saw what, when. Never edited or deleted by the application."""

    class Action(models.TextChoices):
        LOGIN = "login", "Inloggning"
        LOGIN_FAILED = "login_failed", "Misslyckad inloggning"
        LOCKED = "locked", "Kontot låst"
        IMPORT = "import", "Import"
        UNDO = "undo", "Ångrad import"
        SETTING = "setting", "Ändrad inställning"
        RATE = "rate", "Ändrad taxa"
        USER = "user", "Ändrad användare"
        HEALTH_VIEW = "health_view", "Visning av sjukfrånvaro per person"
        PERSON_VIEW = "person_view", "Visning av personuppgifter"
        EXPORT = "export", "Export"
        BOOKING = "booking", "Bokat pass"
        PLAN = "plan", "Ändrad handlingsplan"
        REPORT = "report", "Rapport skapad"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    target = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "händelse i granskningsloggen"
        verbose_name_plural = "granskningslogg"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.target}"
