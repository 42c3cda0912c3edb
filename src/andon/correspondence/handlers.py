"""What correspondence does when other contexts tell it something (see `andon.core.events`).

Each handler runs after the publishing transaction has committed, so a failed publish tells
no customer anything; the letters themselves are written and sent by a background task.
"""

from __future__ import annotations

from andon.core.events import handles
from andon.correspondence import config
from andon.correspondence.tasks import notify_customers
from andon.scheduling.domain_events import SchedulePublished


@handles(SchedulePublished)
def tell_customers_of_moved_dates(event: SchedulePublished) -> None:
    """A new schedule may move promised dates: queue the customer notices (unless kept quiet)."""
    if config.notify_on_publish():
        notify_customers.enqueue()
