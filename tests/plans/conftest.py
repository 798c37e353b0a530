"""A small department whose results can be checked by hand, and one user per role.

Unit 81515 has six cases with ledger results in February 2025 (kronor):

| case  | revenue  | salary  | HSL (structural) | result   |
|-------|----------|---------|------------------|----------|
| 51470 | 200 000  | 290 000 | 10 000           | −100 000 |
| 51471 | 100 000  | 160 000 |                  |  −60 000 |
| 51472 | 100 000  | 140 000 |                  |  −40 000 |
| 51473 | 100 000  | 120 000 |                  |  −20 000 |
| 51474 | 100 000  |  90 000 |                  |  +10 000 |
| 51475 |  50 000  |  55 000 |                  |   −5 000 |
| (unit, no case) |  | 4 000 (other cost) |     |   −4 000 |

so the unit's result is −219 000 kr, five of six cases are in deficit (−225 000 kr), and the four
largest deficits are 51470, 51471, 51472 and 51473: 220 000 kr. Unit 81516 has one case,
51357, at −30 000 kr. Every case has a decision of 10 h/week from 2024-01-01 in settlement
periods of six months.

Staff: E1 (81515) and E2 (81516) are hourly-paid; E3 (81515) is monthly-paid, employed only in
February 2024 and February 2025. February 2025 has 81515's unit row in the ledger, so no idle
paid time is computed there, and February 2024 lies outside every window the tests read
(July 2024–June 2025, and the year 2025): every krona above is all there is. Worked time:
51470 has 6 h of E3's overtime in February 2024 (the baseline year) and 8 h ordinary (E1) +
3 h overtime (E3) in February 2025; 51357 has 8 h (E2) in February 2025.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from timbalans.records.services import import_batch_apply, import_dataset_validate

CASES_NORR = ("51470", "51471", "51472", "51473", "51474", "51475")

LEDGER = (
    "month;cost_center;case_id;account;amount;text\n"
    "2025-02;81515;51470;3010;-200000;\n"
    "2025-02;81515;51470;5010;290000;\n"
    "2025-02;81515;51470;5900;10000;\n"
    "2025-02;81515;51471;3010;-100000;\n"
    "2025-02;81515;51471;5010;160000;\n"
    "2025-02;81515;51472;3010;-100000;\n"
    "2025-02;81515;51472;5010;140000;\n"
    "2025-02;81515;51473;3010;-100000;\n"
    "2025-02;81515;51473;5010;120000;\n"
    "2025-02;81515;51474;3010;-100000;\n"
    "2025-02;81515;51474;5010;90000;\n"
    "2025-02;81515;51475;3010;-50000;\n"
    "2025-02;81515;51475;5010;55000;\n"
    "2025-02;81515;;5010;4000;\n"
    "2025-02;81516;51357;3010;-100000;\n"
    "2025-02;81516;51357;5010;130000;\n"
)

TABLES: dict[str, str] = {
    "units": "unit_id;name;cost_center;department\n"
    "81515;PA Norr;81515;LSS\n"
    "81516;PA Syd;81516;LSS\n",
    "cases": "case_id;unit_id;service;start_date;end_date;label\n"
    + "".join(f"{c};81515;assistans_sfb;2024-01-01;;\n" for c in CASES_NORR)
    + "51357;81516;assistans_sfb;2024-01-01;;\n",
    "decisions": "case_id;payer;hours_per_week;double_hours_per_week;valid_from;valid_to;"
    "period_start;period_months;hourly_rate\n"
    + "".join(f"{c};FK;10;;2024-01-01;2025-12-31;2024-01-01;6;\n" for c in (*CASES_NORR, "51357")),
    "employees": "employee_id;name;unit_id\n"
    "E1;Anna Andersson;81515\n"
    "E2;Bo Berg;81516\n"
    "E3;Cia Ek;81515\n",
    "employments": "employee_id;form;employment_rate;full_time_hours_per_week;monthly_salary;"
    "hourly_wage;valid_from;valid_to;status\n"
    "E1;hourly;;;;180;2024-01-01;;ordinary\n"
    "E2;hourly;;;;180;2024-01-01;;ordinary\n"
    "E3;monthly_permanent;100;40;30000;;2024-02-01;2024-02-29;ordinary\n"
    "E3;monthly_permanent;100;40;30000;;2025-02-01;2025-02-28;ordinary\n",
    "accounts": "account;category;structural\n3010;revenue_fk;no\n5010-5099;salary_monthly;no\n"
    "5900;hsl;yes\n",
    "worked": "case_id;employee_id;start;end;break_minutes;time_type\n"
    "51470;E3;2024-02-12 07:00;2024-02-12 13:00;0;overtime_simple\n"
    "51470;E1;2025-02-10 07:00;2025-02-10 16:00;60;ordinary\n"
    "51470;E3;2025-02-11 18:00;2025-02-11 21:00;0;overtime_simple\n"
    "51357;E2;2025-02-12 07:00;2025-02-12 15:00;0;ordinary\n",
    "ledger": LEDGER,
}

ROLES = {
    "admin": ("admin", []),
    "ledning": ("management", []),
    "controller": ("controller", []),
    "chef": ("unit_manager", ["81515"]),
    "chef_syd": ("unit_manager", ["81516"]),
    "samordnare": ("coordinator", []),
}


def write_tables(directory: Path, tables: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for table, text in tables.items():
        (directory / f"{table}.csv").write_text(text, encoding="utf-8")
    return directory


def import_tables(directory: Path, tables: dict[str, str]):
    d = write_tables(directory, tables)
    dataset = import_dataset_validate(source=d)
    assert dataset.ok, dataset.problems
    return import_batch_apply(dataset=dataset, source=str(d))


@pytest.fixture(scope="module")
def roles():
    return ROLES


@pytest.fixture(scope="module")
def department():
    """The set that ``imported`` (tests/conftest.py) imports once per module."""
    return lambda directory: write_tables(directory, TABLES)


@pytest.fixture
def access_of():
    from timbalans.accounts.access import Access

    def make(name: str) -> Access:
        role, units = ROLES[name]
        return Access.make(username=name, role=role, unit_ids=units)

    return make
