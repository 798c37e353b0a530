from django.contrib import admin

from timbalans.accounts.models import AuditEvent, LoginThrottle, Profile, UnitAccess


class UnitAccessInline(admin.TabularInline):
    model = UnitAccess
    extra = 1


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    inlines = [UnitAccessInline]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ["username", "failures", "locked_until"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only, also for administrators."""

    list_display = ["at", "username", "action", "target"]
    list_filter = ["action"]
    search_fields = ["username", "target"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
