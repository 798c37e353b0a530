"""What the apps above the figure cache warm after an import or an undo.

``figure_access.figures_warm`` runs each registered function of D after the tables (the web
app's overview compositions and charts, registered in its ``AppConfig.ready``). The list is
here, in a module that imports nothing, so that registering at start-up does not import the
figures: a command that computes none (``import`` until it has written, ``batches``,
``migrate``) does not pay for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

WARMERS: list[Callable[[dt.date], object]] = []
