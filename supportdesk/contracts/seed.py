"""The add-on catalogue as the offer sells it (SPEC sections 3 and 10): one row per code.
Called by the data migration ``0003_seed_add_on_catalogue`` and by tests whose database is
emptied between tests; idempotent.

Premium includes, by the offer: administration services (120 h a year), on-site visits
(at most once a quarter), the dedicated engineer, the personal manager, performance
analysis with recommendations, and the tracking and publication of client-app updates.
What each add-on gates: test/dev environment support the test and development
environments; ChatBot/SmartApp support the customer's own custom-built chatbots and
SmartApps (a failure of the platform's function is base support); remote-access
organization requests to organize it; on-site support on-site visit requests.
"""

from typing import Any

PREMIUM = ["premium"]
# code, unit, gated environments, gated request types, gated concerns, included in plans
CATALOGUE = [
    ("test_dev", "year", ["test", "development"], [], [], []),
    ("chatbot_smartapp", "year", [], [], ["custom_chatbot_smartapp"], []),
    ("administration", "hour", [], [], [], PREMIUM),
    ("dedicated_engineer", "year", [], [], [], PREMIUM),
    ("personal_manager", "year", [], [], [], PREMIUM),
    ("remote_access", "year", [], [], ["remote_access"], []),
    ("onsite", "visit", [], ["onsite"], [], PREMIUM),
    ("extended_reporting", "year", [], [], [], []),
    ("development_support", "hour", [], [], [], []),
    ("preventive_maintenance", "year", [], [], [], []),
    ("complex_administration", "hour", [], [], [], []),
    ("performance_analysis", "year", [], [], [], PREMIUM),
    ("client_app_publication", "year", [], [], [], PREMIUM),
]


def seed_add_on_catalogue(apps: Any, schema_editor: Any) -> None:
    definition = apps.get_model("contracts", "AddOnDefinition")
    for position, (code, unit, environments, types, concerns, plans) in enumerate(CATALOGUE):
        definition.objects.update_or_create(
            code=code,
            defaults={
                "position": position * 10,
                "unit": unit,
                "gated_environments": environments,
                "gated_request_types": types,
                "gated_concerns": concerns,
                "included_in_plans": plans,
            },
        )
