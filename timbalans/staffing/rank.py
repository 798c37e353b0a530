"""One open shift: the candidates in the priority order, with reasons, and who is excluded why.

Order: tier (:mod:`.tiers`), then continuity in the case (known to the client first, then the
most recent day in the case), then marginal cost, then employee number. A candidate any hard
rule excludes is listed with the first rule that does (:data:`timbalans.staffing.rules.RULES`
order) and its Swedish reason.

:class:`RankState` carries proposals already made (the greedy baseline's earlier picks): their
time counts against the rules and their hours against the month's room.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from timbalans.staffing.cost import pair_cost
from timbalans.staffing.instance import (
    TIER_ADDITIONAL,
    TIER_LABELS,
    TIER_ORDINARY,
    TIER_OVERTIME,
    OpenShift,
)
from timbalans.staffing.prepared import PCandidate, Prepared, PShift, Span
from timbalans.staffing.rules import Rule, first_breach, rules_for, screen
from timbalans.staffing.tiers import split_minutes, tier_of

UNKNOWN_SHIFT = "Passet {id} finns inte bland de öppna passen."

REASON_UNUSED = "{hours} h inom outnyttjad avtalad tid ({month})"
REASON_ADDITIONAL = "{hours} h mertid upp till heltid ({month})"
REASON_OVERTIME = "{hours} h övertid"
REASON_HOURLY = "Timanställd"
REASON_ON_CALL = "Jour eller beredskap: ersättning per timme, ingen avtalad tid används"
REASON_KNOWN = "Känd av brukaren: senast i ärendet {date}"
REASON_NEW = "Ny för brukaren"
REASON_COST = "Merkostnad {sek} kr inkl. OB och PO-pålägg"


def _num(value: float, places: int = 2) -> str:
    """1545.0 -> '1 545', 7.5 -> '7,5', 260.15 -> '260,15' (Swedish)."""
    text = f"{value:,.{places}f}".replace(",", " ").replace(".", ",")
    if places:
        text = text.rstrip("0").rstrip(",")
    return text


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RankedCandidate(_Model):
    employee_id: str
    unit_id: str
    tier: int
    tier_label: str
    known: bool
    last_in_case: dt.date | None = None
    hours_by_tier: dict[int, float] = Field(default_factory=dict)
    cost_sek: float
    new_to_client: bool
    reasons: list[str] = Field(default_factory=list)


class Excluded(_Model):
    employee_id: str
    unit_id: str
    rule: str
    reason: str


class Ranking(_Model):
    shift: OpenShift
    candidates: list[RankedCandidate]
    excluded: list[Excluded]


@dataclass
class RankState:
    """Proposals already made: their spans per candidate and the room they used."""

    extra: dict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))
    used: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    def room(self, c: PCandidate, month: str) -> tuple[int, int]:
        unused, room = c.room_minutes.get(month, (0, 0))
        u, r = self.used.get((c.index, month), (0, 0))
        return unused - u, room - r

    def take(self, c: PCandidate, s: PShift, minutes: dict[int, int]) -> None:
        self.extra[c.index].append(s.span)
        u, r = self.used.get((c.index, s.month), (0, 0))
        self.used[(c.index, s.month)] = (
            u + minutes.get(TIER_ORDINARY, 0),
            r + minutes.get(TIER_ADDITIONAL, 0),
        )


@dataclass(frozen=True)
class Option:
    """One allowed candidate for one shift, with its sort key."""

    c: int
    tier: int
    known: bool
    last: dt.date | None
    cost: float
    minutes: dict[int, int]

    def key(self, employee_id: str) -> tuple[int, bool, float, int, str]:
        last = -self.last.toordinal() if self.last else 0
        return (self.tier, not self.known, round(self.cost, 2), last, employee_id)


#: Proposals further away than this cannot touch a shift's rules (weeks, rests, runs).
REACH_MINUTES = 8 * 24 * 60


def options(
    prepared: Prepared,
    s: PShift,
    *,
    rules: Sequence[Rule] | None = None,
    state: RankState | None = None,
) -> tuple[list[Option], list[tuple[int, Rule]]]:
    """Allowed candidates in rank order, and the excluded with the first rule excluding.

    Without ``state`` this is the shift's :func:`~timbalans.staffing.rules.screen`; with it,
    the allowed candidates who already have proposals near the shift are checked again with
    those (a candidate excluded on their own stays excluded).
    """
    rules = rules if rules is not None else rules_for(prepared)
    screened, excluded_first = screen(prepared, s)
    allowed: list[Option] = []
    excluded: list[tuple[int, Rule]] = list(excluded_first)
    for i in screened:
        c = prepared.candidates[i]
        if state is not None:
            extra = [
                sp
                for sp in state.extra.get(i, ())
                if sp.start < s.end + REACH_MINUTES and sp.end > s.start - REACH_MINUTES
            ]
            if extra:
                breach = first_breach(rules, c, s, extra)
                if breach is not None:
                    excluded.append((i, breach))
                    continue
        terms = prepared.terms(i, s.index)
        assert terms is not None  # employed on the date, so an employment is in force
        if terms.uses_room:
            unused, room = state.room(c, s.month) if state else c.room_minutes.get(s.month, (0, 0))
            minutes = split_minutes(s.minutes, unused, room)
        else:
            minutes = {}
        allowed.append(
            Option(
                c=i,
                tier=tier_of(terms, minutes),
                known=prepared.known(c, s),
                last=prepared.last_in_case(c, s),
                cost=pair_cost(terms, minutes),
                minutes=minutes,
            )
        )
    ids = prepared.employee_ids
    allowed.sort(key=lambda o: o.key(ids[o.c]))
    excluded.sort(key=lambda e: ids[e[0]])
    return allowed, excluded


def _reasons(prepared: Prepared, o: Option, s: PShift) -> list[str]:
    out = []
    terms = prepared.terms(o.c, s.index)
    if terms is not None and terms.uses_room:
        texts = {
            TIER_ORDINARY: REASON_UNUSED,
            TIER_ADDITIONAL: REASON_ADDITIONAL,
            TIER_OVERTIME: REASON_OVERTIME,
        }
        for tier, minutes in sorted(o.minutes.items()):
            out.append(texts[tier].format(hours=_num(minutes / 60), month=s.month))
    elif s.shift.kind != "assistance":
        out.append(REASON_ON_CALL)
    else:
        out.append(REASON_HOURLY)
    if o.known and o.last is not None:
        out.append(REASON_KNOWN.format(date=o.last.isoformat()))
    elif not o.known:
        out.append(REASON_NEW)
    out.append(REASON_COST.format(sek=_num(o.cost)))
    return out


def rank_shift(prepared: Prepared, shift_id: str) -> Ranking:
    """The ranking for one open shift of the instance."""
    index = prepared.shift_index.get(shift_id)
    if index is None:
        raise KeyError(UNKNOWN_SHIFT.format(id=shift_id))
    s = prepared.shifts[index]
    allowed, excluded = options(prepared, s)
    ranked = []
    for o in allowed:
        cand = prepared.candidates[o.c].candidate
        terms = prepared.terms(o.c, s.index)
        hours = (
            {tier: m / 60 for tier, m in sorted(o.minutes.items())}
            if terms is not None and terms.uses_room
            else {o.tier: s.minutes / 60}
        )
        ranked.append(
            RankedCandidate(
                employee_id=cand.employee_id,
                unit_id=cand.unit_id,
                tier=o.tier,
                tier_label=TIER_LABELS[o.tier],
                known=o.known,
                last_in_case=o.last,
                hours_by_tier=hours,
                cost_sek=round(o.cost, 2),
                new_to_client=not o.known,
                reasons=_reasons(prepared, o, s),
            )
        )
    out_excluded = [
        Excluded(
            employee_id=prepared.candidates[c].candidate.employee_id,
            unit_id=prepared.candidates[c].candidate.unit_id,
            rule=rule.code,
            reason=rule.text(s),
        )
        for c, rule in excluded
    ]
    return Ranking(shift=s.shift, candidates=ranked, excluded=out_excluded)


__all__ = [
    "Excluded",
    "Option",
    "RankState",
    "RankedCandidate",
    "Ranking",
    "options",
    "rank_shift",
]
