from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from supportdesk.core.views import health

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
]
