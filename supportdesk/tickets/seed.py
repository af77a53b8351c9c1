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


def seed_components(apps: Any, schema_editor: Any) -> None:
    component = apps.get_model("tickets", "Component")
    for code, name in COMPONENTS:
        component.objects.get_or_create(code=code, defaults={"name": name})
