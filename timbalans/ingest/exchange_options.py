"""What a mapping profile can say about the two exchange formats (spec/exchange.md).

These options are the one interface between the PAXml and SIE readers (``paxml.py``,
``sie.py``) and the mapping profiles (``profiles.py``): a profile's ``[paxml]`` or ``[sie]``
section becomes one of these, and a reader given none uses the spec's default mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# Where a PAXml time code goes: a worked row of a time type, an absence of a type, or nowhere
# (skipped and counted in the import report).
CodeTarget = Literal["worked", "absences", "skip"]


@dataclass(frozen=True)
class TimeCode:
    """One ``tidkod``: the canonical table it becomes and the value of ``time_type`` (worked)
    or ``type`` (absences); ``value`` is empty for ``skip``."""

    target: CodeTarget
    value: str = ""


@dataclass(frozen=True)
class PaxmlOptions:
    """Overrides of the default PAXml mapping.

    ``time_codes`` adds to or overrides the default code table (keys compared
    case-insensitively); ``case_dim`` and ``cost_center_dim`` name the ``resenhet`` dimensions
    that hold the case and the cost centre; ``employment_defaults`` gives canonical
    employments columns that PAXml lacks (``full_time_hours_per_week``, ``status``, ...) as
    strings, validated like any canonical value.
    """

    time_codes: Mapping[str, TimeCode] = field(default_factory=dict)
    case_dim: str = "6"
    cost_center_dim: str = "1"
    employment_defaults: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SieOptions:
    """Overrides of the default SIE 4 mapping: the object dimensions of case and cost centre."""

    case_dim: str = "6"
    cost_center_dim: str = "1"
