"""The decision variables of the CP-SAT model: one boolean per (candidate, open shift) pair.

``x[(c, s)]`` is 1 when candidate ``c`` takes open shift ``s``. Only the pairs given to
:meth:`Variables.create` exist; every rule's ``build`` adds its constraints over exactly
those, so a rule can be tested on all pairs, and the full model can leave out pairs that a
rule excludes on its own (see :mod:`timbalans.staffing.model`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timbalans.staffing.prepared import Prepared

if TYPE_CHECKING:  # the solver is imported where a model is built (staffing.model)
    from ortools.sat.python import cp_model


@dataclass
class Variables:
    prepared: Prepared
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    by_candidate: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_shift: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def create(
        cls, model: cp_model.CpModel, prepared: Prepared, pairs: Iterable[tuple[int, int]]
    ) -> Variables:
        out = cls(prepared)
        for c, s in sorted(set(pairs)):
            out.x[(c, s)] = model.new_bool_var(f"x_{c}_{s}")
            out.by_candidate[c].append(s)
            out.by_shift[s].append(c)
        starts = {s.index: (s.start, s.end, s.index) for s in prepared.shifts}
        for shifts in out.by_candidate.values():
            shifts.sort(key=lambda i: starts[i])
        return out

    @classmethod
    def all_pairs(cls, model: cp_model.CpModel, prepared: Prepared) -> Variables:
        """A variable for every candidate and shift (rule tests)."""
        pairs = ((c.index, s.index) for c in prepared.candidates for s in prepared.shifts)
        return cls.create(model, prepared, pairs)


__all__ = ["Variables"]
