from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitlementsConfig(AppConfig):
    name = "supportdesk.entitlements"
    label = "entitlements"
    verbose_name = _("Work time and entitlements")
