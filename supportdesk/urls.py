from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from supportdesk.api.api import api
from supportdesk.core.views import health
from supportdesk.notifications.views import downgrade_link

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("health", health, name="health"),
    path("links/downgrade/<str:token>", downgrade_link, name="downgrade-link"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
