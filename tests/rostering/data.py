"""A small canonical data set with open shifts, for the database and command-line tests.

D = 2025-03-02 (a Sunday). Case 51470 (unit 81515) has P1 (Tuesday 4 March 07-15, nobody
booked) and P2 (Wednesday 5 March 07-15, booked on E3 who is sick that day). E1 (75 %,
knows 51470 from February) is free; E2 (hourly, unit 81516) works P4 on Tuesday; E3 works
P3 on Tuesday.
"""

from __future__ import annotations

from pathlib import Path

from tests.builders import BASE, write_set

SHIFTS = (
    "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
    "P1;51470;;2025-03-04 07:00;2025-03-04 15:00;0;assistance\n"
    "P2;51470;E3;2025-03-05 07:00;2025-03-05 15:00;0;assistance\n"
    "P3;51470;E3;2025-03-04 06:00;2025-03-04 14:00;0;assistance\n"
    "P4;51357;E2;2025-03-04 07:00;2025-03-04 15:00;0;assistance\n"
)
ABSENCES = "employee_id;start;end;type;extent_percent;hours\nE3;2025-03-05;2025-03-05;sick;100;\n"


def write_staffing_set(directory: Path, absences: str = ABSENCES) -> Path:
    return write_set(
        directory,
        employees=BASE["employees"] + "E3;Cilla Ek;81515\n",
        employments=BASE["employments"]
        + "E3;monthly_permanent;100;40;32000;;2024-01-01;;ordinary\n",
        shifts=SHIFTS,
        absences=absences,
    )
