import datetime as dt

from django.apps import AppConfig


def overview_warm(as_of: dt.date) -> int:
    """The overview's warm-up (``web.views.pages.overview_warm``), its module imported when an
    import warms the figures, not when Django starts: a command that draws no page (``migrate``,
    ``batches``) does not pay for the pages, charts and figures (half a second)."""
    from timbalans.web.views.pages import overview_warm as warm

    return warm(as_of)


class WebConfig(AppConfig):
    name = "timbalans.web"
    label = "web"

    def ready(self) -> None:
        # After an import the warm-up composes the overview too (charts included), so the
        # first overview in any server process is read from the figure cache's files.
        from timbalans.records.warmers import WARMERS

        if overview_warm not in WARMERS:
            WARMERS.append(overview_warm)
