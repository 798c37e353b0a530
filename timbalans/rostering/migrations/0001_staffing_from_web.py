"""Staffing's two models move from web to rostering with their rows: the state is created
here on web's existing tables (no table is created), then the tables get rostering's names;
``web.0006`` drops the models from web's state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("web", "0005_job_worker_process"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffingRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("worker_host", models.CharField(blank=True, max_length=255)),
                        ("worker_boot_id", models.CharField(blank=True, max_length=64)),
                        ("worker_pid", models.PositiveIntegerField(blank=True, null=True)),
                        ("worker_started", models.CharField(blank=True, max_length=32)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("created_by_name", models.CharField(max_length=150)),
                        ("unit_ids", models.JSONField(default=list)),
                        ("first", models.DateField()),
                        ("last", models.DateField()),
                        ("as_of", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("running", "Beräknas"),
                                    ("done", "Klar"),
                                    ("failed", "Misslyckades"),
                                ],
                                default="running",
                                max_length=10,
                            ),
                        ),
                        ("result", models.JSONField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                    ],
                    options={"ordering": ["-pk"], "db_table": "web_staffingrun"},
                ),
                migrations.CreateModel(
                    name="CaseStaffingRule",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("case_id", models.CharField(max_length=50, unique=True)),
                        ("known_only", models.BooleanField(default=False)),
                        ("window_days", models.PositiveIntegerField(blank=True, null=True)),
                        ("changed_at", models.DateTimeField(auto_now=True)),
                        ("changed_by_name", models.CharField(max_length=150)),
                    ],
                    options={"db_table": "web_casestaffingrule"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="staffingrun", table=None),
        migrations.AlterModelTable(name="casestaffingrule", table=None),
    ]
