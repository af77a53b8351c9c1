from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from supportdesk.api.api import api
from supportdesk.channels.alertmanager import views as alertmanager
from supportdesk.channels.telephony import views as telephony
from supportdesk.core.views import health
from supportdesk.monitoring.views import metrics
from supportdesk.portal.links import downgrade_link, objection_link
from supportdesk.web import accounts
from supportdesk.web.views import SignInView, home

urlpatterns = [
    path("", home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/reset/", accounts.ResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", accounts.ResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.ResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        accounts.ResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("password/change/", accounts.ChangeView.as_view(), name="password-change"),
    path("password/change/done/", accounts.ChangeDoneView.as_view(), name="password-change-done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/chat/", include("supportdesk.channels.chat.portal_urls")),
    path("portal/", include("supportdesk.portal.urls")),
    path("desk/chats/", include("supportdesk.channels.chat.desk_urls")),
    path("desk/price/", include("supportdesk.billing.desk_urls")),
    path("desk/", include("supportdesk.workspace.urls")),
    path("price/", include("supportdesk.billing.public_urls")),
    path("health", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("links/downgrade/<str:token>", downgrade_link, name="downgrade-link"),
    path("links/objection/<str:token>", objection_link, name="objection-link"),
    path("admin/", admin.site.urls),
    # Channels' webhooks: plain views in the API's address space (their own auth).
    path("api/v1/alerts/alertmanager/<slug:integration>", alertmanager.webhook),
    path("api/v1/telephony/<slug:integration>/events", telephony.events_view),
    # Mango Office posts to <its configured address>/events/call, /events/summary ...
    path("api/v1/telephony/<slug:integration>/events/<slug:kind>", telephony.events_view),
    path("api/", api.urls),
    path("botx/", include("supportdesk.channels.express.urls")),
]
