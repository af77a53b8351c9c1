"""The eXpress messenger bot (BotX): a thin adapter on the one intake ([docs](../../../docs/express-bot.md))."""
