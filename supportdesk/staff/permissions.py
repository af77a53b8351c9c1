"""Who may do what: the one permission matrix (SPEC section 2; docs/roles.md).

Every action asks here (`require(actor, Capability.X)`) before it changes anything, so
the matrix below is the whole truth: pages only hide what the actions would refuse.
Object scope (which organization, which request) is the caller's second check: a
capability says what kind of thing a role may do, not to whose data.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from supportdesk.customers.models import Contact
from supportdesk.staff.models import StaffMember, StaffRole


class ActionDenied(PermissionError):
    """The actor's role may not do this (a 403 for the API); nothing was changed."""


class Role(StrEnum):
    AGENT = StaffRole.AGENT.value
    ENGINEER = StaffRole.ENGINEER.value
    MANAGER = StaffRole.MANAGER.value
    LEAD = StaffRole.LEAD.value
    CUSTOMER_USER = "customer_user"
    CUSTOMER_ADMIN = "customer_admin"


STAFF_ROLES = frozenset({Role.AGENT, Role.ENGINEER, Role.MANAGER, Role.LEAD})
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_USER, Role.CUSTOMER_ADMIN})


class Capability(StrEnum):
    # Seeing
    SEE_ALL_ORGANIZATIONS = "see_all_organizations"
    SEE_ORGANIZATION_REQUESTS = "see_organization_requests"
    SEE_MANAGED_CUSTOMERS = "see_managed_customers"
    SEE_ENTITLEMENTS = "see_entitlements"
    SEE_CONTRACT = "see_contract"
    # Requests
    REGISTER_REQUEST = "register_request"
    REPLY = "reply"
    WRITE_INTERNAL_NOTE = "write_internal_note"
    ASSIGN = "assign"
    CHANGE_STATUS = "change_status"
    RESOLVE = "resolve"
    CONFIRM_RESOLUTION = "confirm_resolution"
    REOPEN = "reopen"
    EXCLUDE_FROM_SLA = "exclude_from_sla"
    ACCEPT_OUT_OF_CONTRACT = "accept_out_of_contract"
    HANDLE_CALLS = "handle_calls"  # turn a call into a request, link it, call back
    MERGE_DUPLICATE = "merge_duplicate"  # close a duplicate into its organization's request
    MANAGE_INCIDENTS = "manage_incidents"  # platform-wide incidents: link, broadcast, resolve
    # Priority (SPEC 6)
    RAISE_PRIORITY = "raise_priority"
    CORRECT_STAFF_PRIORITY = "correct_staff_priority"
    CORRECT_CUSTOMER_PRIORITY_DOWN = "correct_customer_priority_down"
    PROPOSE_DOWNGRADE = "propose_downgrade"
    DECIDE_DOWNGRADE = "decide_downgrade"
    OBJECT_TO_PRIORITY_CORRECTION = "object_to_priority_correction"
    DECIDE_PRIORITY_OBJECTION = "decide_priority_objection"
    # Work time and entitlements
    LOG_TIME = "log_time"
    APPROVE_TIME = "approve_time"
    GRANT_QUOTA = "grant_quota"
    SET_ABSENCE = "set_absence"
    SET_OTHERS_ABSENCE = "set_others_absence"
    # Contracts
    MOVE_POLICY_VERSION = "move_policy_version"
    EDIT_INSTALLATION = "edit_installation"
    MANAGE_ORGANIZATION_USERS = "manage_organization_users"
    LINK_MESSENGER_USER = "link_messenger_user"  # the eXpress bot's quarantine
    # Development and releases
    HAND_TO_DEVELOPMENT = "hand_to_development"
    UPDATE_DEVELOPMENT_ITEM = "update_development_item"
    MANAGE_FEATURE_REQUESTS = "manage_feature_requests"
    VOTE_FEATURE_REQUEST = "vote_feature_request"
    PUBLISH_CLIENT_RELEASE = "publish_client_release"
    COMPLETE_PUBLICATION_TASK = "complete_publication_task"
    # Configuration
    MANAGE_CALENDARS = "manage_calendars"
    MANAGE_POLICIES = "manage_policies"
    RELEASE_QUARANTINED_MAIL = "release_quarantined_mail"
    SET_NOTIFICATION_PREFERENCES = "set_notification_preferences"
    MANAGE_MACROS = "manage_macros"  # canned replies: create, edit, retire
    # Prices (issue 13)
    SEE_PRICES = "see_prices"  # the calculator in the workspace and the API
    MANAGE_PRICE_LISTS = "manage_price_lists"
    MANAGE_QUOTES = "manage_quotes"  # draft, issue, record the decision, make the contract
    SAVE_QUEUE_VIEW = "save_queue_view"  # an agent's named queue filters


_C = Capability
_EVERY_STAFF = frozenset(STAFF_ROLES)
_ENGINEER_UP = frozenset({Role.ENGINEER, Role.LEAD})
_LEAD = frozenset({Role.LEAD})
_MANAGER_LEAD = frozenset({Role.MANAGER, Role.LEAD})
_CUSTOMERS = frozenset(CUSTOMER_ROLES)
_CUSTOMER_ADMIN = frozenset({Role.CUSTOMER_ADMIN})

MATRIX: dict[Capability, frozenset[Role]] = {
    _C.SEE_ALL_ORGANIZATIONS: _EVERY_STAFF,
    _C.SEE_ORGANIZATION_REQUESTS: _CUSTOMER_ADMIN,
    _C.SEE_MANAGED_CUSTOMERS: _MANAGER_LEAD,
    _C.SEE_ENTITLEMENTS: _EVERY_STAFF | _CUSTOMER_ADMIN,
    _C.SEE_CONTRACT: _EVERY_STAFF | _CUSTOMER_ADMIN,
    _C.REGISTER_REQUEST: _EVERY_STAFF | _CUSTOMERS,
    _C.REPLY: _EVERY_STAFF | _CUSTOMERS,
    _C.WRITE_INTERNAL_NOTE: _EVERY_STAFF,
    _C.ASSIGN: _EVERY_STAFF,
    _C.CHANGE_STATUS: _EVERY_STAFF,
    _C.RESOLVE: frozenset({Role.AGENT, Role.ENGINEER, Role.LEAD}),
    _C.CONFIRM_RESOLUTION: _CUSTOMERS,
    _C.REOPEN: _EVERY_STAFF | _CUSTOMERS,
    _C.EXCLUDE_FROM_SLA: _LEAD,
    _C.ACCEPT_OUT_OF_CONTRACT: _LEAD,
    _C.HANDLE_CALLS: _EVERY_STAFF,
    _C.MERGE_DUPLICATE: frozenset({Role.AGENT, Role.ENGINEER, Role.LEAD}),
    _C.MANAGE_INCIDENTS: _ENGINEER_UP,
    _C.RAISE_PRIORITY: _EVERY_STAFF,
    _C.CORRECT_STAFF_PRIORITY: _EVERY_STAFF,
    _C.CORRECT_CUSTOMER_PRIORITY_DOWN: _ENGINEER_UP,
    _C.PROPOSE_DOWNGRADE: _EVERY_STAFF,
    _C.DECIDE_DOWNGRADE: _CUSTOMERS,
    _C.OBJECT_TO_PRIORITY_CORRECTION: _CUSTOMERS,
    _C.DECIDE_PRIORITY_OBJECTION: _LEAD,
    _C.LOG_TIME: _ENGINEER_UP,
    _C.APPROVE_TIME: _LEAD,
    _C.GRANT_QUOTA: _LEAD,
    _C.SET_ABSENCE: _ENGINEER_UP | frozenset({Role.AGENT, Role.MANAGER}),
    _C.SET_OTHERS_ABSENCE: _LEAD,
    _C.MOVE_POLICY_VERSION: _LEAD,
    _C.EDIT_INSTALLATION: _ENGINEER_UP | frozenset({Role.MANAGER}),
    _C.MANAGE_ORGANIZATION_USERS: _CUSTOMER_ADMIN | _LEAD,
    _C.LINK_MESSENGER_USER: _LEAD,
    _C.HAND_TO_DEVELOPMENT: _ENGINEER_UP,
    _C.UPDATE_DEVELOPMENT_ITEM: _ENGINEER_UP,
    _C.MANAGE_FEATURE_REQUESTS: _MANAGER_LEAD,
    _C.VOTE_FEATURE_REQUEST: _CUSTOMERS | _MANAGER_LEAD,
    _C.PUBLISH_CLIENT_RELEASE: _LEAD,
    _C.COMPLETE_PUBLICATION_TASK: _CUSTOMER_ADMIN | _MANAGER_LEAD,
    _C.MANAGE_CALENDARS: _LEAD,
    _C.MANAGE_POLICIES: _LEAD,
    _C.RELEASE_QUARANTINED_MAIL: _LEAD,
    _C.SET_NOTIFICATION_PREFERENCES: _EVERY_STAFF,
    _C.MANAGE_MACROS: _LEAD,
    _C.SEE_PRICES: _EVERY_STAFF,
    _C.MANAGE_PRICE_LISTS: _LEAD,
    _C.MANAGE_QUOTES: _MANAGER_LEAD,
    _C.SAVE_QUEUE_VIEW: _EVERY_STAFF,
}


def role_of(user: User | AnonymousUser | None) -> Role | None:
    """The one role a signed-in, active person acts in; None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        member: StaffMember | None = user.staff
    except StaffMember.DoesNotExist:
        member = None
    if member is not None:
        return Role(member.role)
    try:
        contact: Contact = user.contact
    except Contact.DoesNotExist:
        # The installation's administrator (`createsuperuser`), with no staff record,
        # configures what a support lead configures (calendars, policies in the admin).
        return Role.LEAD if user.is_superuser else None
    if not contact.is_active:
        return None
    return Role.CUSTOMER_ADMIN if contact.is_customer_admin else Role.CUSTOMER_USER


def may(user: User | AnonymousUser | None, capability: Capability) -> bool:
    role = role_of(user)
    return role is not None and role in MATRIX[capability]


def require(user: User | AnonymousUser | None, capability: Capability) -> Role:
    """The actor's role, or ActionDenied naming what was refused."""
    role = role_of(user)
    if role is None or role not in MATRIX[capability]:
        raise ActionDenied(
            _("Your role may not do this: %(capability)s.") % {"capability": capability.value}
        )
    return role


# The matrix as the Markdown table of docs/roles.md (tests/tickets/test_roles_doc.py keeps
# the page equal to it, and prints the table to paste when they differ).
_SHORT = {
    Role.AGENT: "agent (L1)",
    Role.ENGINEER: "engineer (L2/L3)",
    Role.MANAGER: "personal manager",
    Role.LEAD: "support lead",
    Role.CUSTOMER_USER: "customer user",
    Role.CUSTOMER_ADMIN: "customer admin",
}


def markdown_table() -> str:
    header = "| capability | " + " | ".join(_SHORT[role] for role in Role) + " |"
    rule = "| --- |" + " :---: |" * len(Role)
    rows = [
        f"| `{capability.value}` | "
        + " | ".join("yes" if role in MATRIX[capability] else "—" for role in Role)
        + " |"
        for capability in Capability
    ]
    return "\n".join([header, rule, *rows]) + "\n"
