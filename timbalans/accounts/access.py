"""What a user may see and do: the role and unit scoping rules of shared/design.md.

``Access`` is plain data so selectors, views, exports and documents all ask the same object;
every query is scoped by ``unit_ids`` in the selector, never in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ADMIN = "admin"
MANAGEMENT = "management"
CONTROLLER = "controller"
UNIT_MANAGER = "unit_manager"
COORDINATOR = "coordinator"

ROLE_LABELS = {
    ADMIN: "Administratör",
    MANAGEMENT: "Ledning",
    CONTROLLER: "Controller",
    UNIT_MANAGER: "Enhetschef",
    COORDINATOR: "Samordnare",
}
ROLES = tuple(ROLE_LABELS)

# Roles that see every unit; a unit manager sees only the units assigned to them.
ALL_UNITS_ROLES = frozenset({ADMIN, MANAGEMENT, CONTROLLER, COORDINATOR})


@dataclass(frozen=True)
class Access:
    """One user's rights. ``unit_ids`` is None for roles that see every unit."""

    username: str
    role: str
    unit_ids: frozenset[str] | None

    @classmethod
    def make(cls, *, username: str, role: str, unit_ids: Iterable[str] = ()) -> Access:
        if role not in ROLE_LABELS:
            raise ValueError(f"okänd roll: {role}")
        units = None if role in ALL_UNITS_ROLES else frozenset(unit_ids)
        return cls(username=username, role=role, unit_ids=units)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def sees_unit(self, unit_id: str) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def scope(self, unit_ids: Iterable[str]) -> list[str]:
        """The given units this user may see, in the given order."""
        return [u for u in unit_ids if self.sees_unit(u)]

    @property
    def sees_economics(self) -> bool:
        """Results, costs and rates: everyone but the coordinator (staffing, no economics)."""
        return self.role != COORDINATOR

    @property
    def may_import(self) -> bool:
        return self.role in {ADMIN, CONTROLLER}

    @property
    def may_enter_decisions(self) -> bool:
        """Enter a decision letter by hand (a unit manager for the cases of their units)."""
        return self.role in {ADMIN, UNIT_MANAGER}

    @property
    def may_change_settings(self) -> bool:
        return self.role == ADMIN

    @property
    def may_staff(self) -> bool:
        """See open shifts and book candidates."""
        return self.role in {ADMIN, COORDINATOR, UNIT_MANAGER}

    @property
    def sees_employee_names(self) -> bool:
        """Names are personal data: shown to those who lead or schedule staff."""
        return self.role in {ADMIN, UNIT_MANAGER, COORDINATOR}

    def sees_health_data_of(self, unit_id: str) -> bool:
        """Sick leave per named employee: the employee's unit manager and admin only."""
        if self.role == ADMIN:
            return True
        return self.role == UNIT_MANAGER and self.sees_unit(unit_id)

    @property
    def sees_health_data(self) -> bool:
        return self.role in {ADMIN, UNIT_MANAGER}

    @property
    def may_edit_plans(self) -> bool:
        return self.role in {ADMIN, MANAGEMENT, CONTROLLER, UNIT_MANAGER}

    @property
    def may_read_audit(self) -> bool:
        return self.role == ADMIN
