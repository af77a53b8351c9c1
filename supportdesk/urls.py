from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from supportdesk.api.api import api
from supportdesk.core.views import health
from supportdesk.monitoring.views import metrics
from supportdesk.portal.links import downgrade_link
from supportdesk.web.views import SignInView, home

urlpatterns = [
    path("", home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/chat/", include("supportdesk.channels.chat.portal_urls")),
    path("portal/", include("supportdesk.portal.urls")),
    path("desk/chats/", include("supportdesk.channels.chat.desk_urls")),
    path("desk/", include("supportdesk.workspace.urls")),
    path("health", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("links/downgrade/<str:token>", downgrade_link, name="downgrade-link"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
