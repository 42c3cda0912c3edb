"""What scheduling does when other contexts tell it something (see `andon.core.events`).

Each handler runs after the publishing transaction has committed, on its own: a failure here is
logged and never undoes the change it reacts to.
"""

from __future__ import annotations

from andon.core.events import handles
from andon.production.domain_events import WorkOrderChanged
from andon.scheduling import changes


@handles(WorkOrderChanged)
def note_order_change(event: WorkOrderChanged) -> None:
    """Flag the schedule in force as out of date, and reschedule when that is automatic."""
    what = changes.describe(event)
    if what is None:
        return
    changes.note(event, what)
    if changes.automatic():
        changes.reschedule_for(event)
