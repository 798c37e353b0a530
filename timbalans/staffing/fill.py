"""Many open shifts: the CP-SAT proposal next to the greedy baseline, checked, with the saving.

:func:`fill` is what the command line and the coordinator page show for a horizon: both
proposals, each checked by :func:`timbalans.staffing.validation.validate_solution`, and the
saving of the CP-SAT proposal against the greedy one in SEK and percent of the greedy cost,
on the marginal cost alone and on the objective (cost and penalties).
It can take many seconds (the time limit): a web request should run it in the background.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from timbalans.staffing.greedy import solve_greedy
from timbalans.staffing.instance import Config, Instance, OpenShift, Solution
from timbalans.staffing.prepared import Prepared
from timbalans.staffing.validation import Violation, validate_solution


class Fill(BaseModel):
    model_config = ConfigDict(frozen=True)

    as_of: str
    shifts: list[OpenShift]
    candidates: int
    proposal: Solution
    greedy: Solution
    saving_sek: float  # greedy cost − proposal cost (marginal cost, without penalties)
    saving_pct: float | None  # of the greedy cost
    # The same on the objective (cost + penalties for shifts given to staff new to the
    # client): the proposal may pay a little more to give fewer shifts to strangers.
    objective_saving_sek: float
    objective_saving_pct: float | None
    new_to_client: dict[str, int]  # shifts given to staff new to the client, per method
    violations: list[Violation] = Field(default_factory=list)  # of the proposal; empty


def fill(instance: Instance, config: Config) -> Fill:
    # The solver (ortools, with pandas) is imported when a proposal is made, not by every
    # process that imports the pages: it is most of a command's start-up time.
    from timbalans.staffing.model import solve_cpsat

    p = Prepared(instance, config)
    greedy = solve_greedy(p)
    proposal = solve_cpsat(p, hint=greedy)
    saving = greedy.cost_sek - proposal.cost_sek
    both = greedy.objective_sek - proposal.objective_sek
    return Fill(
        as_of=instance.as_of.isoformat(),
        shifts=instance.shifts,
        candidates=len(instance.candidates),
        proposal=proposal,
        greedy=greedy,
        saving_sek=round(saving, 2),
        saving_pct=round(100 * saving / greedy.cost_sek, 2) if greedy.cost_sek else None,
        objective_saving_sek=round(both, 2),
        objective_saving_pct=(
            round(100 * both / greedy.objective_sek, 2) if greedy.objective_sek else None
        ),
        new_to_client={
            "proposal": sum(a.new_to_client for a in proposal.assignments),
            "greedy": sum(a.new_to_client for a in greedy.assignments),
        },
        violations=validate_solution(instance, config, proposal),
    )


__all__ = ["Fill", "fill"]
