from django.db import migrations

# SPEC section 5: the default component catalogue (editable in the admin).
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


def seed(apps, schema_editor):
    component = apps.get_model("tickets", "Component")
    for code, name in COMPONENTS:
        component.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
