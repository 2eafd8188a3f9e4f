"""Command-line tools beside the bot: city, optw, plan, backup (``python -m bot <tool> --help``)."""
