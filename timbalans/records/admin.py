from django.contrib import admin

from timbalans.records import models as m


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "created_by_name", "status", "source")
    readonly_fields = [f.name for f in m.ImportBatch._meta.fields]


for model in (m.Unit, m.Case, m.Decision, m.Employee, m.Employment, m.Account):
    admin.site.register(model)
