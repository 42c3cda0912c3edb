"""Which capability each production action needs.

Reporting work is `production.report` (supervisors, operators). Managing work orders (create,
release, complete, cancel, split, merge, issue material) is `production.manage` (planners and
supervisors). Both are declared in `production/registry.py`.
"""

REPORT = "production.report"
MANAGE = "production.manage"
