"""The eXpress messenger bot (BotX): a thin adapter on the one intake (docs/express-bot.md)."""
