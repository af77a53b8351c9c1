"""What an action raises when the request's state forbids it."""


class ActionError(ValueError):
    """The action cannot happen to the request in its state (a 409 for the API)."""
