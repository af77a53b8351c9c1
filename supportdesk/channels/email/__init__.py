"""E-mail in: the adapter between support mailboxes and the one intake path.

``parsing`` reads a raw message (pure), ``actions`` decides where it goes (dedupe, store
the raw message, thread, ``channels.actions.receive`` or the quarantine), ``reader``
fetches messages over IMAP, and the ``mail`` command runs both (docs/mail.md).
"""
