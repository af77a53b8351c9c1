"""What the entitlement actions raise when the input or the state forbids the change."""

from supportdesk.tickets.errors import ActionError


class EntitlementError(ActionError):
    """The change cannot be made (a 409 in the API, a form error on a page)."""
