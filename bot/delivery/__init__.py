"""Everything the bot sends on its own: the outbox dispatcher, the messenger (DMs and their private fallback
in the channel), the meal posts and Discord events that follow the meals, and the housekeeper that notices
what falls due by itself (lapsed seat offers, check-in opening, interest on the Discord event).

Each part gets what it needs (a service, a Discord client, the clock), never the whole bot.
"""
