"""Small canonical data sets written by hand, for tests."""

from __future__ import annotations

from pathlib import Path

BASE: dict[str, str] = {
    "units": "unit_id;name;cost_center;department\n"
    "81515;PA Norr;81515;LSS\n"
    "81516;PA Syd;81516;LSS\n",
    "cases": "case_id;unit_id;service;start_date;end_date;label\n"
    "51470;81515;assistans_sfb;2024-01-01;;Ärende A\n"
    "51357;81516;assistans_sfb;2024-01-01;;Ärende B\n",
    "decisions": "case_id;payer;hours_per_week;double_hours_per_week;valid_from;valid_to;"
    "period_start;period_months;hourly_rate\n"
    "51470;FK;100;10;2025-01-01;2025-12-31;2025-01-01;6;\n"
    "51357;FK;60;;2025-01-01;2025-12-31;2025-03-01;6;\n",
    "employees": "employee_id;name;unit_id\nE1;Anna Andersson;81515\nE2;Bo Berg;81516\n",
    "employments": "employee_id;form;employment_rate;full_time_hours_per_week;monthly_salary;"
    "hourly_wage;valid_from;valid_to;status\n"
    "E1;monthly_permanent;75;40;30000;;2024-01-01;;ordinary\n"
    "E2;hourly;;;;180;2024-01-01;;ordinary\n",
    "accounts": "account;category;structural\n3010;revenue_fk;no\n5010-5099;salary_monthly;no\n",
    "worked": "case_id;employee_id;start;end;break_minutes;time_type\n"
    "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"
    "51470;E1;2025-02-10 07:00;2025-02-10 16:00;60;ordinary\n"
    "51357;E2;2025-01-11 22:00;07:00;0;ordinary\n",
    "ledger": "month;cost_center;case_id;account;amount;text\n"
    "2025-01;81515;51470;3010;-1 000,50;ersättning\n"
    "2025-01;81515;;5010;2000;lön\n",
}


def write_set(directory: Path, **tables: str | None) -> Path:
    """Write BASE with the given tables replaced (None leaves a table out)."""
    directory.mkdir(parents=True, exist_ok=True)
    content = {**BASE, **tables}
    for table, text in content.items():
        if text is not None:
            (directory / f"{table}.csv").write_text(text, encoding="utf-8")
    return directory
