from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "timbalans.web"
    label = "web"

    def ready(self) -> None:
        # After an import the warm-up composes the overview too (charts included), so the
        # first overview in any server process is read from the figure cache's files.
        from timbalans.records.figure_access import WARMERS
        from timbalans.web.views.pages import overview_warm

        if overview_warm not in WARMERS:
            WARMERS.append(overview_warm)
