from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "supportdesk.web"
    label = "web"
    verbose_name = _("Web pages")
    default = True


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose site answers a throttled sign-in with 429."""

    default = False
    default_site = "supportdesk.web.sites.AdminSite"
