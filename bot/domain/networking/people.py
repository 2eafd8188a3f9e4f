"""The people at a meal, as the networking rules see them: their own words and who they come with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attendee:
    """One person coming to the meal, with the profile text they chose to share."""

    user_id: int
    name: str  # display name
    what_i_do: str | None = None
    offer: str | None = None  # "what I can offer"
    seek: str | None = None  # "what I'm looking for"
    company: str | None = None
    answer: str | None = None  # their answer to the meal's RSVP question (usually "what do you do?")
    party: int = 1  # the person plus the guests they bring (+1s): seated together
    host: bool = False  # someone from the company hosting the meal

    @property
    def has_profile(self) -> bool:
        """Whether they said anything a match could be based on."""
        return any(_said(text) for text in (self.what_i_do, self.offer, self.seek, self.answer))

    @property
    def guests(self) -> int:
        return max(self.party - 1, 0)


def _said(text: str | None) -> bool:
    return text is not None and any(ch.isalnum() for ch in text)


_COMPANY_SUFFIXES = frozenset({"inc", "llc", "ltd", "limited", "corp", "co", "gmbh", "sarl", "sas", "plc", "the"})


def company_key(company: str | None) -> str | None:
    """The company as one key, so "Acme Inc." and "acme" count as the same company at a table."""
    if company is None:
        return None
    words = "".join(ch if ch.isalnum() else " " for ch in company.casefold()).split()
    kept = [w for w in words if w not in _COMPANY_SUFFIXES] or words
    return " ".join(kept) or None
