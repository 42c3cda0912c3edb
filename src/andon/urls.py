from django.contrib import admin
from django.urls import include, path

from andon.api import api

urlpatterns = [
    path("", include("andon.core.urls")),
    path("accounts/", include("andon.accounts.urls")),
    path("plant/", include("andon.plant.urls")),
    path("people/", include("andon.people.urls")),
    path("catalog/", include("andon.catalog.urls")),
    path("partners/", include("andon.partners.urls")),
    path("inventory/", include("andon.inventory.urls")),
    path("orders/", include("andon.orders.urls")),
    path("transfer/", include("andon.transfer.urls")),
    path("planning/", include("andon.planning.urls")),
    path("scheduling/", include("andon.scheduling.urls")),
    path("production/", include("andon.production.urls")),
    path("performance/", include("andon.performance.urls")),
    path("alerts/", include("andon.alerts.urls")),
    path("", include("andon.correspondence.urls")),
    path("collaboration/", include("andon.collaboration.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
