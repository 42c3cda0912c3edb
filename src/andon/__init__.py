"""Andon: production management for discrete manufacturers."""

__version__ = "0.1.0"
