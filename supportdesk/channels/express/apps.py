from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpressConfig(AppConfig):
    name = "supportdesk.channels.express"
    label = "express"
    verbose_name = _("eXpress bot")

    def ready(self) -> None:
        # The outbox sends this channel's rows through the bot (``transport.deliver``),
        # imported when the first row goes: lean commands never load pybotx.
        from supportdesk.notifications.models import Notification, NotificationChannel
        from supportdesk.notifications.sender import register_transport
        from supportdesk.notifications.transport import Delivery

        def deliver(row: Notification) -> Delivery:
            from supportdesk.channels.express.transport import deliver

            return deliver(row)

        register_transport(NotificationChannel.EXPRESS, deliver)
