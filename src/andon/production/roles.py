"""Which capability each production action needs.

Reporting work is `production.report` (supervisors, operators). Managing work orders (create,
release, complete, cancel, split, merge, issue material) belongs to planners and supervisors: it
uses `production.manage` once the roles table has it, and until then `inventory.change`, which
those same two roles hold.
"""

from andon.accounts.roles import CAPABILITIES

REPORT = "production.report"
MANAGE = "production.manage" if "production.manage" in CAPABILITIES else "inventory.change"
