"""Customers: what they tell us about themselves, what they agreed to, and the rules for both."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from bot.domain.errors import InvalidInput

# Modal inputs and stored fields share these limits (Discord's TextInput allows up to 4000).
MAX_WHAT_I_DO = 300
MAX_OFFER = 500
MAX_SEEK = 500
MAX_COMPANY = 100
MAX_WEBSITE = 200
MAX_NAME = 100
MAX_NOTE = 300


class OptIn(StrEnum):
    """Separate consents, all off until the customer turns them on (DESIGN §4)."""

    DMS = "allow_dms"
    LISTED = "listed"
    INTRODUCTIONS = "introductions"
    QUOTES = "quotes"

    @property
    def label(self) -> str:
        return _OPT_IN_TITLES[self][0]

    @property
    def explanation(self) -> str:
        return _OPT_IN_TITLES[self][1]


_OPT_IN_TITLES = {
    OptIn.DMS: ("Direct messages", "invitations and reminders for meals near you"),
    OptIn.LISTED: ("Listed to peers", "other customers can see your profile and that you're coming"),
    OptIn.INTRODUCTIONS: (
        "Introductions",
        "at meals, we introduce you to people who offer what you seek (and you to them) and offer a card swap after",
    ),
    OptIn.QUOTES: ("Quoting in reports", "what you tell us may be quoted with your name in internal reports"),
}


@dataclass(frozen=True, slots=True)
class Profile:
    what_i_do: str | None = None
    offer: str | None = None
    seek: str | None = None
    company: str | None = None
    website: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.what_i_do, self.offer, self.seek, self.company, self.website))


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    guild_id: int
    user_id: int | None
    discord_name: str | None
    name: str | None
    email: str | None
    city_id: int | None
    profile: Profile
    source: str
    consented: bool
    opt_ins: frozenset[OptIn]

    def opted_in(self, opt_in: OptIn) -> bool:
        return opt_in in self.opt_ins


@dataclass(frozen=True, slots=True)
class StopRequest:
    guild_id: int
    user_id: int
    city_id: int
    note: str | None


def clean_text(value: str | None, *, field: str, limit: int) -> str | None:
    """Trimmed text or None when blank; too long is refused (nothing is cut silently)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) > limit:
        raise InvalidInput(f"{field} is {len(text)} characters long; please keep it to {limit}.")
    return text


_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)


_MARKDOWN_LINK = re.compile(r"^\[[^\]]*\]\((\S+)\)$")


def clean_website(value: str | None) -> str | None:
    """An http(s) address with a real-looking host; "acme.com" becomes "https://acme.com"."""
    text = clean_text(value, field="Website", limit=MAX_WEBSITE)
    if text is None:
        return None
    linked = _MARKDOWN_LINK.match(text)  # "[our site](https://acme.com)", pasted from a chat
    if linked:
        text = linked[1]
    candidate = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) else f"https://{text}"
    try:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
    except ValueError:  # "http://[::1", brackets that aren't an IPv6 address
        host = ""
    if not host or parts.scheme.lower() not in {"http", "https"} or not _HOST.match(host) or " " in text:
        raise InvalidInput(f"“{text}” doesn't look like a website. Write it like https://acme.com or acme.com.")
    return candidate


def clean_profile(
    *, what_i_do: str | None, offer: str | None, seek: str | None, company: str | None, website: str | None
) -> Profile:
    return Profile(
        what_i_do=clean_text(what_i_do, field="What you do", limit=MAX_WHAT_I_DO),
        offer=clean_text(offer, field="What you can offer", limit=MAX_OFFER),
        seek=clean_text(seek, field="What you're looking for", limit=MAX_SEEK),
        company=clean_text(company, field="Company", limit=MAX_COMPANY),
        website=clean_website(website),
    )


def clean_note(note: str | None) -> str | None:
    return clean_text(note, field="Your note", limit=MAX_NOTE)


# Spreadsheets run cells starting with these as formulas (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CITY_ROLE_PREFIX = "📍 "


def city_role_name(city_hint: str) -> str:
    """ "📍 Portland, OR": the role managers use to address a city (names are unique per hint)."""
    return (CITY_ROLE_PREFIX + city_hint)[:100]
