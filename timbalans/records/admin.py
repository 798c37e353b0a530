from django.contrib import admin

from timbalans.records import models as m


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "created_by_name", "status", "source")
    readonly_fields = [f.name for f in m.ImportBatch._meta.fields]


for model in (m.Unit, m.Case, m.Decision, m.Employee, m.Employment, m.Account):
    admin.site.register(model)


@admin.register(m.Setting)
class SettingAdmin(admin.ModelAdmin):
    """Settings are changed through the service, so every change is recorded."""

    list_display = ("key", "value", "changed_at", "changed_by_name")
    readonly_fields = ("changed_at", "changed_by_name")

    def save_model(self, request, obj, form, change):
        from timbalans.records.services import setting_update

        saved = setting_update(key=obj.key, value=obj.value, user=request.user)
        obj.pk = saved.pk


@admin.register(m.SettingChange)
class SettingChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "changed_by_name", "key", "old", "new")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(m.Rate)
class RateAdmin(admin.ModelAdmin):
    """Rates are changed through the service, so every change is recorded."""

    list_display = (
        "key",
        "valid_from",
        "value",
        "example",
        "note",
        "changed_at",
        "changed_by_name",
    )
    list_filter = ("key",)
    readonly_fields = ("example", "changed_at", "changed_by_name")

    def save_model(self, request, obj, form, change):
        from timbalans.records.rates import rate_update

        saved = rate_update(
            key=obj.key,
            valid_from=obj.valid_from,
            value=obj.value,
            user_name=request.user.get_username(),
            note=obj.note,
        )
        obj.pk = saved.pk


@admin.register(m.RateChange)
class RateChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "changed_by_name", "key", "valid_from", "old", "new")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
