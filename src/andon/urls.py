"""The URLconf: every app's pages as it registered them (see andon.core.registry), then the API
and the admin.

Includes keep the INSTALLED_APPS order; apps mounted at the root (core, correspondence, the
overview) own distinct paths, so the order decides nothing between them.
"""

from django.contrib import admin
from django.urls import include, path

from andon.api import api
from andon.core import registry

urlpatterns = [
    *(path(mount.prefix, include(mount.module)) for mount in registry.url_mounts()),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
