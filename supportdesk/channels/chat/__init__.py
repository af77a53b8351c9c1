"""Web chat (issue 11, section 1): a customer's live conversation with an agent, on the
one intake path (docs/chat.md)."""
