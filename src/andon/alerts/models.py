"""Alerts: rules, alerts and the notifications that reach people."""
