"""Insights: what customers tell us, and the rules for kinds, statuses, tags, text, search and suggestions.

Pure rules, no storage: the repository (storage/insights.py) stores what these functions accept, and the
search builds its FTS5 MATCH expression only with :func:`fts_match`. See docs/insights.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from bot.domain.customers import clean_text
from bot.domain.errors import InvalidInput
from bot.domain.networking.text import stem

MAX_TEXT = 2000  # a Discord modal paragraph allows 4000; two thousand is a long paragraph already
MAX_TAGS = 10
MAX_TAG = 30
MAX_CUSTOMER_NAME = 100
MAX_STATUS_NOTE = 500
MAX_QUERY = 500  # characters of a search; only the first MAX_TERMS terms are searched
MAX_TERMS = 12  # each term is one more posting list to intersect: a long paste must not make a slow query
MAX_PAGE_SIZE = 25  # embed fields / select options (DESIGN §4)


class InsightKind(StrEnum):
    PAIN_POINT = "pain_point"
    FEATURE_REQUEST = "feature_request"
    PRAISE = "praise"
    IDEA = "idea"
    QUESTION = "question"
    CHURN_RISK = "churn_risk"
    OTHER = "other"

    @property
    def label(self) -> str:
        """ "pain point", "feature request"…: how a manager says it."""
        return self.value.replace("_", " ")

    @classmethod
    def parse(cls, text: str) -> InsightKind:
        """A kind from its value or its label, any case ("Pain point", "pain_point")."""
        return _parse_choice(cls, text, "kind")


class InsightStatus(StrEnum):
    NEW = "new"
    PLANNED = "planned"
    SHIPPED = "shipped"
    WONT_DO = "wont_do"

    @property
    def label(self) -> str:
        return "won't do" if self is InsightStatus.WONT_DO else self.value

    @classmethod
    def parse(cls, text: str) -> InsightStatus:
        return _parse_choice(cls, text, "status")


class InsightSource(StrEnum):
    """How the insight was captured."""

    MANUAL = "manual"  # /insight add
    MESSAGE = "message"  # the message context menu "Log as insight"
    RSVP = "rsvp"  # the answer to a meal's RSVP question
    FEEDBACK = "feedback"  # the comment of post-meal feedback
    CHECKIN = "checkin"  # the reply to a quarterly check-in


_Choice = TypeVar("_Choice", InsightKind, InsightStatus)


def _parse_choice(enum: type[_Choice], text: str, what: str) -> _Choice:
    wanted = " ".join(text.replace("_", " ").replace("’", "'").split()).casefold()
    for member in enum:
        if wanted in {member.value.replace("_", " "), member.label}:
            return member
    choices = ", ".join(member.label for member in enum)
    raise InvalidInput(f"“{text.strip()[:40]}” is not an insight {what}; choose one of: {choices}.")


# --------------------------------------------------------------------------------------------- text and tags

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps \t and \n; \x02/\x03 mark search highlights
_TAG_ALLOWED = re.compile(r"^[^\W_]+(?:[ -][^\W_]+)*$")  # letters/digits, single spaces or hyphens between


def clean_insight_text(value: str | None) -> str:
    """The insight's words: trimmed, control characters dropped, 1–2000 characters (nothing cut silently)."""
    text = clean_text(_CONTROL.sub("", value or ""), field="The insight", limit=MAX_TEXT)
    if text is None:
        raise InvalidInput("The insight is empty: write what the customer said.")
    return text


def clean_tag(value: str) -> str:
    """One tag: lower case, spaces collapsed, letters, digits, spaces and hyphens only, at most 30 characters."""
    tag = " ".join(value.split()).casefold()
    if not tag:
        raise InvalidInput("A tag is empty.")
    if len(tag) > MAX_TAG:
        raise InvalidInput(f"The tag “{tag[:40]}” is {len(tag)} characters long; please keep tags to {MAX_TAG}.")
    if not _TAG_ALLOWED.match(tag):
        raise InvalidInput(
            f"The tag “{tag[:40]}” may only hold letters, digits, spaces and hyphens (like “self-serve onboarding”)."
        )
    return tag


def clean_tags(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Tags from "Pricing, onboarding ,ONBOARDING" (or a list): cleaned, de-duplicated, sorted, at most 10."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else [p for item in value for p in item.split(",")]
    tags = sorted({clean_tag(part) for part in parts if part.strip()})
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"That is {len(tags)} tags; an insight takes at most {MAX_TAGS}.")
    return tuple(tags)


def join_tags(tags: Sequence[str]) -> str:
    """How tags are stored beside the text (tags never hold a comma, so this splits back exactly)."""
    return ", ".join(tags)


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(tag for tag in stored.split(", ") if tag)


_JUMP_LINK = re.compile(r"^https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(?:\d+|@me)/\d+/\d+$")


def clean_message_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not _JUMP_LINK.match(value.strip()):
        raise InvalidInput("That is not a link to a Discord message (https://discord.com/channels/…).")
    return value.strip()


# --------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class NewInsight:
    """An insight about to be logged, already checked: build it with :meth:`create`."""

    guild_id: int
    text: str
    kind: InsightKind
    logged_by: int
    source: InsightSource = InsightSource.MANUAL
    tags: tuple[str, ...] = ()
    customer_user_id: int | None = None
    customer_name: str | None = None
    meal_id: int | None = None
    city_id: int | None = None
    tour_id: int | None = None
    message_url: str | None = None

    @classmethod
    def create(
        cls,
        *,
        guild_id: int,
        text: str | None,
        kind: InsightKind | str,
        logged_by: int,
        source: InsightSource = InsightSource.MANUAL,
        tags: str | Iterable[str] | None = None,
        customer_user_id: int | None = None,
        customer_name: str | None = None,
        meal_id: int | None = None,
        city_id: int | None = None,
        tour_id: int | None = None,
        message_url: str | None = None,
    ) -> NewInsight:
        """Check and normalise what a person typed; raises InvalidInput with what to fix."""
        return cls(
            guild_id=guild_id,
            text=clean_insight_text(text),
            kind=kind if isinstance(kind, InsightKind) else InsightKind.parse(kind),
            logged_by=logged_by,
            source=source,
            tags=clean_tags(tags),
            customer_user_id=customer_user_id,
            # A name is only for people we can't link by user id: with both, the link wins.
            customer_name=None
            if customer_user_id is not None
            else clean_text(customer_name, field="The customer's name", limit=MAX_CUSTOMER_NAME),
            meal_id=meal_id,
            city_id=city_id,
            tour_id=tour_id,
            message_url=clean_message_url(message_url),
        )


@dataclass(frozen=True, slots=True)
class Insight:
    id: int
    guild_id: int
    text: str
    kind: InsightKind
    status: InsightStatus
    tags: tuple[str, ...]
    source: InsightSource
    customer_user_id: int | None
    customer_name: str | None
    meal_id: int | None
    city_id: int | None
    tour_id: int | None
    message_url: str | None
    logged_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    status_note: str | None = None
    status_changed_at: dt.datetime | None = None


def clean_status_note(value: str | None) -> str | None:
    return clean_text(value, field="The note", limit=MAX_STATUS_NOTE)


# --------------------------------------------------------------------------------------------- search


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What /insight search asks for: words (optional) and filters, all combinable; build with :meth:`create`."""

    text: str = ""
    kind: InsightKind | None = None
    tag: str | None = None
    city_id: int | None = None
    tour_id: int | None = None
    customer_user_id: int | None = None
    since: dt.datetime | None = None  # created_at >= since
    until: dt.datetime | None = None  # created_at < until
    status: InsightStatus | None = None
    page: int = 1
    page_size: int = 10

    @classmethod
    def create(
        cls,
        *,
        text: str | None = None,
        kind: InsightKind | str | None = None,
        tag: str | None = None,
        city_id: int | None = None,
        tour_id: int | None = None,
        customer_user_id: int | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        status: InsightStatus | str | None = None,
        page: int = 1,
        page_size: int = 10,
    ) -> SearchQuery:
        words = " ".join((text or "").split())
        if len(words) > MAX_QUERY:
            raise InvalidInput(f"The search is {len(words)} characters long; please keep it to {MAX_QUERY}.")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"A page shows 1 to {MAX_PAGE_SIZE} insights.")
        if page < 1:
            raise InvalidInput("Pages are numbered from 1.")
        if since is not None and until is not None and since >= until:
            raise InvalidInput("The period ends before it starts: check the dates.")
        return cls(
            text=words,
            kind=kind if kind is None or isinstance(kind, InsightKind) else InsightKind.parse(kind),
            tag=None if tag is None or not tag.strip() else clean_tag(tag),
            city_id=city_id,
            tour_id=tour_id,
            customer_user_id=customer_user_id,
            since=since,
            until=until,
            status=status if status is None or isinstance(status, InsightStatus) else InsightStatus.parse(status),
            page=page,
            page_size=page_size,
        )

    @property
    def match(self) -> str | None:
        """The FTS5 MATCH expression for the words, or None when there are none to search."""
        return fts_match(self.text)


# Common words carry no meaning in a search ("problems with the onboarding"): an FTS5 AND over "with" and
# "the" would only drop insights phrased differently. Kept when the search is nothing but such words.
SEARCH_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an and are as at be but by for from has have i in is it its of on or our so that the their this to was "
        "we were with you your",
    )
)
_UNIT = re.compile(r'"([^"]*)"|(\S+)')  # a balanced "quoted phrase", or a run of non-spaces
_SEARCH_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script: what unicode61 indexes as tokens


def fts_match(text: str) -> str | None:
    """A safe FTS5 MATCH expression for what a person typed, or None when it holds no searchable word.

    Safe by construction: every term is written as an FTS5 string ("…") built only from letters and
    digits, so no user character can act as syntax (quotes, *, -, :, ^, parentheses, NEAR, AND/NOT/OR).
    What the person can still say: "a quoted phrase", a trailing * for a prefix (onboard*), and OR in
    capitals between two terms. Terms are ANDed; filler words are dropped unless they are all there is.
    """
    terms: list[_Term] = []
    pending_or = False
    for phrase, chunk in _UNIT.findall(text):
        if chunk == "OR":
            pending_or = bool(terms)
            continue
        words = _SEARCH_WORD.findall(phrase or chunk)
        if not words:
            continue
        term = '"' + " ".join(words).replace('"', '""') + '"'  # the replace is a no-op kept as a second lock
        if not phrase and chunk.rstrip('"').endswith("*"):
            term += " *"
        filler = not phrase and len(words) == 1 and words[0].casefold() in SEARCH_STOPWORDS
        terms.append(_Term(term, filler, pending_or))
        pending_or = False
    kept = ([t for t in terms if not t.filler] or terms)[:MAX_TERMS]
    if not kept:
        return None
    # An OR whose left side was dropped (a filler word) joins nothing: it becomes a plain AND.
    return " ".join(("OR " if t.after_or and i else "") + t.fts for i, t in enumerate(kept))


@dataclass(frozen=True, slots=True)
class _Term:
    fts: str
    filler: bool
    after_or: bool


HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"  # never in stored text (clean_insight_text drops them)
_MARKDOWN = re.compile(r"([\\*_~|`>\[\]])")


def render_snippet(raw: str) -> str:
    """A stored snippet marked with \\x02…\\x03 → Discord markdown: the person's words escaped (a ** or a
    link in their text can't break the layout), each match in **bold**."""
    escaped = _MARKDOWN.sub(r"\\\1", raw)
    return escaped.replace(HIGHLIGHT_START, "**").replace(HIGHLIGHT_END, "**").replace("****", "")


# --------------------------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # "2026-03", UTC
    by_kind: dict[InsightKind, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass(frozen=True, slots=True)
class InsightReport:
    """The figures behind /insight report, within its scope (tour, city, since)."""

    total: int
    by_kind: dict[InsightKind, int]  # every kind, in enum order (zeros included)
    by_status: dict[InsightStatus, int]  # every status, in enum order
    by_city: dict[int | None, dict[InsightKind, int]]  # city (None: no city) → counts; most insights first
    by_month: list[MonthCount]  # oldest first, months without insights included
    top_tags: list[tuple[str, int]]  # most used first (ties by name), at most 10
    untagged: int = 0


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last ("2026-01", "2026-04" → 4 months)."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --------------------------------------------------------------------------------------------- suggestions

NEIGHBOURS = 5  # k of the nearest-neighbour vote
MIN_SIMILARITY = 0.12  # below this cosine, a labelled insight is about something else
PRIOR_WEIGHT = 0.35  # how much one keyword hit counts against one neighbour's similarity
MAX_SUGGESTED_TAGS = 3

# The keyword prior: what an empty server (or an unusual text) falls back on. Each hit adds one; phrases
# of several words add two, so "would be great" is a request before it is praise.
_PRIOR: dict[InsightKind, tuple[str, ...]] = {
    InsightKind.PAIN_POINT: (
        "crash", "crashes", "crashed", "bug", "bugs", "broken", "error", "errors", "slow", "confusing",
        "frustrating", "annoying", "problem", "problems", "issue", "issues", "fails", "failed", "hard to",
        "doesn't work", "does not work", "can't", "cannot", "struggle", "painful", "lost",
    ),
    InsightKind.FEATURE_REQUEST: (
        "wish", "would be great", "would be nice", "would love", "please add", "could you add", "feature",
        "support for", "integration with", "integrate with", "add a", "option to", "ability to", "need a way",
    ),
    InsightKind.PRAISE: (
        "love", "loved", "great", "thanks", "thank you", "awesome", "amazing", "excellent", "helpful",
        "fantastic", "happy with", "best", "saved us",
    ),
    InsightKind.IDEA: ("what if", "idea", "could try", "maybe you", "how about", "suggest", "suggestion"),
    InsightKind.QUESTION: ("how do", "how can", "is there", "can i", "does it", "what is", "why does", "when will"),
    InsightKind.CHURN_RISK: (
        "cancel", "cancelling", "canceling", "switch to", "switching", "too expensive", "leaving", "competitor",
        "not renewing", "won't renew", "moving to", "alternative", "churn",
    ),
}  # fmt: skip
_PRIOR_PATTERNS = {
    kind: [(re.compile(r"(?<![\w'])" + re.escape(p) + r"(?![\w'])"), 2 if " " in p else 1) for p in phrases]
    for kind, phrases in _PRIOR.items()
}
_CHURN_BOOST = 2  # a customer about to leave is the one insight not to miss: their words weigh double

Labelled = tuple[str, InsightKind, Sequence[str]]


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: InsightKind | None
    tags: tuple[str, ...] = ()
    neighbours: int = 0  # how many labelled insights were close enough to vote (0: the keyword prior alone)


def keyword_prior(text: str) -> Counter[InsightKind]:
    folded = " ".join(text.casefold().replace("’", "'").split())
    scores: Counter[InsightKind] = Counter()
    for kind, patterns in _PRIOR_PATTERNS.items():
        hits = sum(weight for pattern, weight in patterns if pattern.search(folded))
        if hits:
            scores[kind] = hits * (_CHURN_BOOST if kind is InsightKind.CHURN_RISK else 1)
    if folded.rstrip().endswith("?"):
        scores[InsightKind.QUESTION] += 2
    return scores


_TOKEN_STOPWORDS = SEARCH_STOPWORDS | frozenset(
    re.findall(r"\S+", "i'm me my it's they them not no do does just very really")
)


def _stems(text: str) -> set[str]:
    return {stem(word) for word in _SEARCH_WORD.findall(text.casefold()) if word not in _TOKEN_STOPWORDS}


def suggest(text: str, labelled: Sequence[Labelled]) -> Suggestion:
    """A kind and tags for a new insight: the k = 5 nearest labelled insights of the server vote, weighted
    by their TF-IDF cosine similarity, plus a small keyword prior; deterministic (ties by enum order and
    name). The person logging confirms or changes it."""
    query = _stems(text)
    neighbours = _nearest(query, [_stems(t) for t, _, _ in labelled])
    scores: dict[InsightKind, float] = dict.fromkeys(InsightKind, 0.0)
    tag_scores: dict[str, float] = defaultdict(float)
    for similarity, index in neighbours:
        _, kind, tags = labelled[index]
        scores[kind] += similarity
        for tag in tags:
            tag_scores[tag] += similarity
    for kind, hits in keyword_prior(text).items():
        scores[kind] += PRIOR_WEIGHT * hits
    best = max(InsightKind, key=lambda k: (scores[k], -list(InsightKind).index(k)))
    return Suggestion(
        kind=best if scores[best] > 0 else None,
        tags=_suggested_tags(query, tag_scores, sum(s for s, _ in neighbours), labelled),
        neighbours=len(neighbours),
    )


def _nearest(query: set[str], documents: Sequence[set[str]]) -> list[tuple[float, int]]:
    """The k most similar documents (cosine of binary TF-IDF vectors), best first, ties by position."""
    if not query or not documents:
        return []
    frequency = Counter(word for doc in documents for word in doc)
    count = len(documents)

    def idf(word: str) -> float:
        return math.log((count + 1) / (frequency[word] + 1)) + 1.0

    query_norm = math.sqrt(sum(idf(w) ** 2 for w in query))
    scored = []
    for index, doc in enumerate(documents):
        shared = query & doc
        if not shared:
            continue
        doc_norm = math.sqrt(sum(idf(w) ** 2 for w in doc))
        similarity = sum(idf(w) ** 2 for w in shared) / (query_norm * doc_norm)
        if similarity >= MIN_SIMILARITY:
            scored.append((similarity, index))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored[:NEIGHBOURS]


def _suggested_tags(
    query: set[str], tag_scores: dict[str, float], weight: float, labelled: Sequence[Labelled]
) -> tuple[str, ...]:
    # A tag the close neighbours mostly share, or a tag in use whose words all appear in the text.
    chosen = {tag: score for tag, score in tag_scores.items() if weight and score >= 0.5 * weight}
    for tag in sorted({tag for _, _, tags in labelled for tag in tags} - chosen.keys()):
        if (words := _stems(tag)) and words <= query:
            chosen[tag] = 0.0
    ranked = sorted(chosen, key=lambda tag: (-chosen[tag], tag))
    return tuple(ranked[:MAX_SUGGESTED_TAGS])


@dataclass(frozen=True, slots=True)
class TagUse:
    tag: str
    count: int


@dataclass(frozen=True, slots=True)
class Hit:
    insight: Insight
    snippet: str  # Discord markdown: the words escaped, the matches in **bold**


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # exact, unless ``more``: then at least this many ("1,000+")
    page: int = 1
    pages: int = 0
    more: bool = False
