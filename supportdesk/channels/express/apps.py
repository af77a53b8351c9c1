from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpressConfig(AppConfig):
    name = "supportdesk.channels.express"
    label = "express"
    verbose_name = _("eXpress bot")

    def ready(self) -> None:
        # The outbox sends this channel's rows through the bot (``transport.deliver``).
        from supportdesk.channels.express.transport import deliver
        from supportdesk.notifications.models import NotificationChannel
        from supportdesk.notifications.sender import register_transport

        register_transport(NotificationChannel.EXPRESS, deliver)
