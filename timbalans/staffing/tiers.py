"""The priority order as tiers, and which of a shift's hours fall in which tier.

The staffing handbook's order (seed action plan, measure 3): (1) monthly-paid staff within
their unused contracted time that month; (2) part-timers extended up to full time (mertid);
(3) hourly-paid staff; (4) overtime, the last resort.

A monthly-paid person's hours on an assistance shift fill, in this order, the month's unused
contracted time (tier 1), then, for a part-timer, the room up to full time (tier 2), and the
rest is overtime (tier 4). Hourly-paid staff are tier 3. On-call and standby use no contracted
time: tier 1 for monthly-paid staff, tier 3 for hourly-paid (see :mod:`.cost`). A shift's tier
is the highest tier any of its hours fall in, so a shift only partly inside unused time ranks
after one wholly inside it.

The month of a shift is the local month of its start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from timbalans.staffing.cost import PairTerms
from timbalans.staffing.instance import (
    TIER_ADDITIONAL,
    TIER_ORDINARY,
    TIER_OVERTIME,
)
from timbalans.staffing.prepared import Prepared


def split_minutes(minutes: int, unused: int, additional_room: int) -> dict[int, int]:
    """A monthly-paid person's shift minutes by tier, given the month's room left."""
    first = max(0, min(minutes, unused))
    second = max(0, min(minutes - first, additional_room))
    out = {TIER_ORDINARY: first, TIER_ADDITIONAL: second, TIER_OVERTIME: minutes - first - second}
    return {tier: m for tier, m in out.items() if m > 0}


def tier_of(terms: PairTerms, minutes_by_tier: dict[int, int]) -> int:
    """The highest tier any of the pair's minutes fall in."""
    if not terms.uses_room:
        return terms.tier
    used = [tier for tier, m in minutes_by_tier.items() if m > 0]
    return max(used, default=TIER_ORDINARY)


def allocate(prepared: Prepared, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """The cheapest split of every pair's minutes into tiers, given all the pairs at once.

    Per candidate and month, the unused contracted time and then the mertid room go to the
    shifts whose overtime would cost most per hour (then the earliest); what is left is
    overtime. With one cost basis and social fee rate in a month this is the least total
    cost, the same the CP-SAT model minimises.
    """
    out: dict[tuple[int, int], dict[int, int]] = {}
    groups: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for c, s in pairs:
        terms = prepared.terms(c, s)
        if terms is None or not terms.uses_room:
            out[(c, s)] = {}
            continue
        groups[(c, prepared.shifts[s].month)].append((c, s))
    for (c, month), members in groups.items():
        unused, room = prepared.candidates[c].room_minutes.get(month, (0, 0))

        def order(pair: tuple[int, int]) -> tuple[float, int, int]:
            terms = prepared.terms(*pair)
            assert terms is not None
            shift = prepared.shifts[pair[1]]
            return (-terms.overtime_per_hour, shift.start, shift.index)

        for pair in sorted(members, key=order):
            split = split_minutes(prepared.shifts[pair[1]].minutes, unused, room)
            unused -= split.get(TIER_ORDINARY, 0)
            room -= split.get(TIER_ADDITIONAL, 0)
            out[pair] = split
    return out


def tier_totals(prepared: Prepared, c: int, shifts: Iterable[int]) -> dict[str, dict[int, int]]:
    """Month -> the minutes by tier that :func:`allocate` gives candidate ``c`` taking
    ``shifts`` in that month, in total, without splitting shift by shift.

    Per month, however the shifts are ordered, the unused contracted time ``u`` and the mertid
    room ``r`` fill up in turn: of the month's ``M`` minutes, ``min(M, max(u, 0))`` are tier 1,
    ``min(M - tier 1, max(r, 0))`` tier 2 and the rest overtime (what :func:`split_minutes`
    gives shift by shift adds up to that). Shifts whose pair uses no room count nowhere."""
    months: dict[str, int] = defaultdict(int)
    for s in shifts:
        terms = prepared.terms(c, s)
        if terms is not None and terms.uses_room:
            shift = prepared.shifts[s]
            months[shift.month] += shift.minutes
    out: dict[str, dict[int, int]] = {}
    rooms = prepared.candidates[c].room_minutes
    for month, total in months.items():
        unused, room = rooms.get(month, (0, 0))
        first = min(total, max(unused, 0))
        second = min(total - first, max(room, 0))
        out[month] = {
            TIER_ORDINARY: first,
            TIER_ADDITIONAL: second,
            TIER_OVERTIME: total - first - second,
        }
    return out


__all__ = ["allocate", "split_minutes", "tier_of", "tier_totals"]
