from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "supportdesk.search"
    label = "search"
    verbose_name = _("Search and queue views")

    def ready(self) -> None:
        from supportdesk.search import fulltext

        # Schema upkeep, not a business rule: on SQLite a later migration that remakes
        # tickets_request or tickets_message (how SQLite alters a table) drops their
        # triggers; after every migrate they are put back and the index rebuilt if one
        # was missing.
        post_migrate.connect(fulltext.ensure_sqlite_triggers, sender=self)
