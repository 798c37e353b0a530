"""StaffingRun and CaseStaffingRule now belong to rostering (``rostering.0001``, which took
over their tables and rows): they leave web's state only, no table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0005_job_worker_process"),
        ("rostering", "0001_staffing_from_web"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="StaffingRun"),
                migrations.DeleteModel(name="CaseStaffingRule"),
            ],
            database_operations=[],
        ),
    ]
