from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertmanagerConfig(AppConfig):
    name = "supportdesk.channels.alertmanager"
    label = "alertmanager"
    verbose_name = _("Monitoring alerts")
