"""scheduling models."""
