"""The plant overview is the home page, at the root."""

from andon.core.registry import register_urls

register_urls("", "andon.overview.urls")
