"""The offline demo (``python -m bot demo``) and its seeded community."""
