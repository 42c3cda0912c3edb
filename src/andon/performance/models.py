"""Performance: KPIs, dashboards and the andon board."""
