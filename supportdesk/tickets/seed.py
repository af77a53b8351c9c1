"""The default component catalogue (SPEC section 5) into the database; used by a data
migration, so it takes ``apps``."""

from __future__ import annotations

from typing import Any

COMPONENTS = [
    ("messaging", "Обмен сообщениями"),
    ("calls", "Звонки"),
    ("smartapp", "SmartApp"),
    ("chatbot", "Чат-бот"),
    ("dlps", "DLPS"),
    ("push", "Push-уведомления"),
    ("file-transfer", "Передача файлов"),
    ("metrics", "Сбор метрик"),
    ("admin-console", "Консоль администратора"),
    ("routing", "Маршрутизация"),
    ("email-notifications", "E-mail уведомления"),
    ("client-app", "Клиентское приложение (iOS/Android/desktop/web)"),
    ("documentation", "Документация"),
    ("other", "Другое"),
]

# The English names (tickets/0013); the Russian ones above stay as the 0002 migration wrote.
ENGLISH_NAMES = {
    "messaging": "Messaging",
    "calls": "Calls",
    "smartapp": "SmartApp",
    "chatbot": "Chatbot",
    "dlps": "DLPS",
    "push": "Push notifications",
    "file-transfer": "File transfer",
    "metrics": "Metrics collection",
    "admin-console": "Admin console",
    "routing": "Routing",
    "email-notifications": "E-mail notifications",
    "client-app": "Client app (iOS/Android/desktop/web)",
    "documentation": "Documentation",
    "other": "Other",
}


def name_components_in_english(apps: Any, schema_editor: Any) -> None:
    component = apps.get_model("tickets", "Component")
    for code, name in ENGLISH_NAMES.items():
        component.objects.filter(code=code, name_en="").update(name_en=name)


def seed_components(apps: Any, schema_editor: Any) -> None:
    component = apps.get_model("tickets", "Component")
    for code, name in COMPONENTS:
        component.objects.get_or_create(code=code, defaults={"name": name})
    if any(field.name == "name_en" for field in component._meta.get_fields()):
        name_components_in_english(apps, schema_editor)
