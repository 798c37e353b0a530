"""Small staffing instances written by hand, with round numbers for hand-computed costs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

from timbalans.staffing.instance import (
    Absence,
    Candidate,
    CaseHistory,
    Config,
    Employment,
    Instance,
    Interval,
    MonthState,
    OpenShift,
    ShiftRates,
)
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.rules import Rule
from timbalans.staffing.variables import Variables

TZ = ZoneInfo("Europe/Stockholm")
AS_OF = dt.date(2026, 3, 1)  # a Sunday; the week of 2 March is Monday to Sunday
#: Social fees 50 %, holiday pay 10 %, overtime factor 2, on-call 40 and standby 20 kr/h.
RATES = ShiftRates(
    social_fee_rate=0.5,
    holiday_pay_rate=0.1,
    overtime_factor=2.0,
    on_call_pay=40.0,
    standby_pay=20.0,
    on_call_factor=0.25,
    standby_factor=0.125,
)


def ts(text: str) -> dt.datetime:
    """'2026-03-03 07:00' as an aware local datetime."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def shift(
    id: str,
    start: str,
    end: str,
    *,
    case: str = "C1",
    unit: str = "U1",
    kind: str = "assistance",
    ob: float = 0.0,
    brk: int = 0,
    rates: ShiftRates = RATES,
) -> OpenShift:
    return OpenShift(
        id=id,
        case_id=case,
        unit_id=unit,
        department="D1",
        start=ts(start),
        end=ts(end),
        break_minutes=brk,
        kind=kind,  # type: ignore[arg-type]
        ob_sek=ob,
        rates=rates,
    )


def busy(start: str, end: str, *, kind: str = "assistance", case: str | None = None) -> Interval:
    return Interval(start=ts(start), end=ts(end), kind=kind, case_id=case)  # type: ignore[arg-type]


def absence(start: str, end: str, *, type: str = "sick") -> Absence:
    return Absence(start=ts(start), end=ts(end), type=type)


def month(unused: float, additional_room: float = 0.0, name: str = "2026-03") -> MonthState:
    """A month with ``unused`` hours of unused contracted time and ``additional_room`` mertid.

    Contracted 100 h, of which 100 − unused booked; full time 100 + additional_room.
    """
    return MonthState(
        month=name,
        contracted_hours=100.0,
        full_time_hours=100.0 + additional_room,
        worked_ordinary_hours=100.0 - unused,
    )


def monthly(
    id: str,
    *,
    unused: float = 0.0,
    additional_room: float = 0.0,
    rate: float = 100.0,
    basis: float = 200.0,
    unit: str = "U1",
    busy: list[Interval] | None = None,
    absences: list[Absence] | None = None,
    known: dict[str, str] | None = None,
    employed: tuple[str, str | None] = ("2020-01-01", None),
) -> Candidate:
    """A monthly-paid candidate; ``known``: case -> last day worked there."""
    return Candidate(
        employee_id=id,
        unit_id=unit,
        department="D1",
        employments=[
            Employment(
                form="monthly",
                valid_from=d(employed[0]),
                valid_to=d(employed[1]) if employed[1] else None,
                employment_rate=rate,
                hourly_cost_basis=basis,
            )
        ],
        months={"2026-03": month(unused, additional_room)},
        busy=busy or [],
        absences=absences or [],
        cases={
            case: CaseHistory(case_id=case, last_worked=d(day), worked_hours=8.0)
            for case, day in (known or {}).items()
        },
    )


def hourly(
    id: str,
    *,
    wage: float = 150.0,
    busy: list[Interval] | None = None,
    known: dict[str, str] | None = None,
) -> Candidate:
    return Candidate(
        employee_id=id,
        unit_id="U1",
        department="D1",
        employments=[Employment(form="hourly", valid_from=d("2020-01-01"), hourly_wage=wage)],
        busy=busy or [],
        cases={
            case: CaseHistory(case_id=case, last_worked=d(day))
            for case, day in (known or {}).items()
        },
    )


def instance(shifts: list[OpenShift], candidates: list[Candidate]) -> Instance:
    return Instance(as_of=AS_OF, shifts=shifts, candidates=candidates)


def prepared(
    shifts: list[OpenShift], candidates: list[Candidate], config: Config | None = None
) -> Prepared:
    return Prepared(instance(shifts, candidates), config or Config())


def feasible(p: Prepared, rule: type[Rule], take: list[tuple[str, str]]) -> bool:
    """Whether the rule's CP-SAT constraints allow exactly the given (employee, shift) pairs.

    Every pair of the instance has a variable (no pruning); only ``rule`` is built; the
    pairs in ``take`` are fixed to 1 and all others to 0.
    """
    model = cp_model.CpModel()
    v = Variables.all_pairs(model, p)
    rule(p).build(model, v)
    chosen = {(p.candidate_index[e], p.shift_index[s]) for e, s in take}
    for pair, var in v.x.items():
        model.add(var == int(pair in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def allows(p: Prepared, rule: type[Rule], employee: str, shift_id: str) -> bool:
    r = rule(p)
    return r.allows(p.candidates[p.candidate_index[employee]], p.shifts[p.shift_index[shift_id]])


def reason(p: Prepared, rule: type[Rule], shift_id: str) -> str:
    return rule(p).text(p.shifts[p.shift_index[shift_id]])
