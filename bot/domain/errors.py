"""Errors whose message is meant for the person who caused them.

Anything raised as a ``UserFacingError`` is shown to the user as-is (ephemerally) and is not logged as
a bug; every other exception is a bug and gets an error id.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A problem the user can fix; ``str(error)`` says what to do."""


class InvalidInput(UserFacingError):
    """The input was rejected; nothing was changed."""


class NotAllowed(UserFacingError):
    """The user may not do this here."""
