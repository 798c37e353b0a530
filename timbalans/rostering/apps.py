from django.apps import AppConfig


class RosteringConfig(AppConfig):
    """Staffing's Django side: the staffing models, the one place its ``Config`` is built,
    the reads and writes of the coordinator's page, the background proposal and the command.
    The solver and the rules are the pure ``timbalans.staffing``."""

    name = "timbalans.rostering"
    label = "rostering"
