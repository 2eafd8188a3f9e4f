"""Complementary introductions: who at a meal offers what another is looking for, and why they should meet.

How two people are compared (docs/networking.md has the whole story):

- Each profile field is cut into phrases (``text.phrases``). What someone *offers* is their "what I can
  offer" (full weight), "what I do" (``WORK_WEIGHT``) and their RSVP answer (``ANSWER_WEIGHT``); what they
  *seek* is "what I'm looking for" only.
- An offered phrase meets a sought phrase when they name the same business concept of the lexicon
  ("bookkeeping" and "an accountant": *accounting*) → 1.0, or related concepts ("web design" and "an app")
  → ``RELATED_WEIGHT``; or, for what the lexicon does not know, by the share of the sought words the offer
  contains (exact stems, or near-identical ones by rapidfuzz: "acountant"), each word weighted by how rare
  it is among the meal's own texts (IDF). The best phrase pair, times its field's weight, is the score of
  that direction; below ``MIN_SCORE`` it is no match at all (no junk reasons).
- A pair's score is the sum of both directions' matches; both directions matching makes the pair mutual.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz, process

from bot.domain.errors import InvalidInput
from bot.domain.networking.people import Attendee
from bot.domain.networking.text import FUZZY_MIN_LENGTH, RELATED, Phrase, concepts_of, phrases

MIN_SCORE = 0.5
WORK_WEIGHT = 0.85
ANSWER_WEIGHT = 0.75
RELATED_WEIGHT = 0.7
FUZZY_CUTOFF = 85  # rapidfuzz ratio at which two stems count as the same word misspelt
CONTEXT_WEIGHT = 0.3  # words after "for", "in"… count a little


class Source(Enum):
    """Which of the giver's fields the offered words come from (it shapes the sentence)."""

    OFFER = "offer"
    WORK = "what_i_do"
    ANSWER = "answer"


_SOURCE_WEIGHT = {Source.OFFER: 1.0, Source.WORK: WORK_WEIGHT, Source.ANSWER: ANSWER_WEIGHT}


@dataclass(frozen=True, slots=True)
class Match:
    """One direction: the giver's words meet the seeker's need."""

    giver_id: int
    seeker_id: int
    offered: str  # the giver's own words, shortened
    sought: str  # the seeker's own words, shortened
    source: Source
    score: float


@dataclass(frozen=True, slots=True)
class Complement:
    """What two people can do for each other: either direction may be missing, not both."""

    a_helps_b: Match | None
    b_helps_a: Match | None

    @property
    def score(self) -> float:
        return sum(m.score for m in (self.a_helps_b, self.b_helps_a) if m is not None)

    @property
    def mutual(self) -> bool:
        return self.a_helps_b is not None and self.b_helps_a is not None

    @property
    def topic(self) -> str:
        """A few words for a list: "bookkeeping" or, when mutual, "bookkeeping / web design"."""
        found = [m for m in (self.a_helps_b, self.b_helps_a) if m is not None]
        return " / ".join(dict.fromkeys(m.offered for m in sorted(found, key=lambda m: -m.score)))


@dataclass(frozen=True, slots=True)
class Introduction:
    """Someone ``user_id`` should meet, and why, written to ``user_id``."""

    user_id: int
    peer_id: int
    reason: str
    score: float
    mutual: bool


@dataclass(frozen=True, slots=True)
class _Profile:
    offers: tuple[tuple[Phrase, Source], ...]
    seeks: tuple[Phrase, ...]


class ProfileIndex:
    """The meal's profiles, read once, so every pair is compared cheaply and with the same word weights."""

    def __init__(self, attendees: Iterable[Attendee]) -> None:
        self.people = {a.user_id: a for a in attendees}
        self._profiles = {uid: _read(a) for uid, a in self.people.items()}
        self._idf = _idf(self._profiles.values())
        self._near = _near_words(self._idf)
        # Every word an offered phrase can match, to skip the phrase pairs that share none (most of them).
        self._reach = {
            id(phrase): (
                phrase.stems | phrase.context | {w for s in phrase.stems for w in self._near.get(s, ())},
                frozenset(r for c in phrase.concepts for r in _RELATED_TO.get(c, ())),
            )
            for profile in self._profiles.values()
            for phrase, _ in profile.offers
        }
        self._matches: dict[tuple[int, int], Match | None] = {}

    def match(self, giver_id: int, seeker_id: int) -> Match | None:
        """What the giver offers that the seeker looks for, or None below ``MIN_SCORE``."""
        key = (giver_id, seeker_id)
        if key not in self._matches:
            self._matches[key] = self._best_match(giver_id, seeker_id)
        return self._matches[key]

    def complement(self, a_id: int, b_id: int) -> Complement | None:
        a_helps_b, b_helps_a = self.match(a_id, b_id), self.match(b_id, a_id)
        return None if a_helps_b is None and b_helps_a is None else Complement(a_helps_b, b_helps_a)

    def pair_score(self, a_id: int, b_id: int) -> float:
        """Complementarity in either direction (symmetric); 0 when neither offers what the other seeks."""
        found = self.complement(a_id, b_id)
        return 0.0 if found is None else found.score

    def _best_match(self, giver_id: int, seeker_id: int) -> Match | None:
        giver, seeker = self._profiles[giver_id], self._profiles[seeker_id]
        best: Match | None = None
        for sought in seeker.seeks:
            for offered, source in giver.offers:
                score = _SOURCE_WEIGHT[source] * self._similarity(offered, sought)
                if score >= MIN_SCORE and (best is None or score > best.score + 1e-9):
                    best = Match(giver_id, seeker_id, offered.quote, sought.quote, source, round(score, 4))
        return best

    def _similarity(self, offered: Phrase, sought: Phrase) -> float:
        if offered.concepts & sought.concepts:
            return 1.0
        words, related = self._reach[id(offered)]
        concept = 0.0 if related.isdisjoint(sought.concepts) else RELATED_WEIGHT
        if sought.stems.isdisjoint(words):
            return concept
        return max(concept, self._word_overlap(offered, sought))

    def _word_overlap(self, offered: Phrase, sought: Phrase) -> float:
        """The IDF-weighted share of the sought head words found in the offered head (or, less, its context)."""
        total = sum(self._idf[w] for w in sought.stems)
        found = sum(self._idf[w] * self._found(w, offered) for w in sought.stems)
        return found / total if total else 0.0

    def _found(self, word: str, offered: Phrase) -> float:
        if word in offered.stems:
            return 1.0
        near = self._near.get(word, {})
        best = max((near.get(w, 0.0) for w in offered.stems), default=0.0)
        if word in offered.context:
            best = max(best, CONTEXT_WEIGHT)
        return best


def _read(person: Attendee) -> _Profile:
    offers = [(p, Source.OFFER) for p in phrases(person.offer, seeking=False)]
    offers += [(p, Source.WORK) for p in phrases(person.what_i_do, seeking=False)]
    offers += [(p, Source.ANSWER) for p in phrases(person.answer, seeking=False)]
    return _Profile(tuple(offers), phrases(person.seek, seeking=True))


def _idf(profiles: Iterable[_Profile]) -> dict[str, float]:
    """Smoothed inverse document frequency over the meal (a document is one person's texts)."""
    documents = [
        {w for p, _ in profile.offers for w in p.stems | p.context} | {w for p in profile.seeks for w in p.stems}
        for profile in profiles
    ]
    counts = Counter(w for doc in documents for w in doc)
    return {w: math.log((1 + len(documents)) / (1 + n)) + 1.0 for w, n in counts.items()}


def _near_words(idf: dict[str, float]) -> dict[str, dict[str, float]]:
    """Pairs of the meal's words that are the same word misspelt or in another form ("acountant")."""
    long_words = sorted(w for w in idf if len(w) >= FUZZY_MIN_LENGTH)
    near: dict[str, dict[str, float]] = {}
    if not long_words:
        return near
    scores = process.cdist(long_words, long_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, workers=1)
    for i, j in zip(*scores.nonzero(), strict=True):
        if i != j:
            near.setdefault(long_words[i], {})[long_words[j]] = float(scores[i, j]) / 100
    return near


def _related_to() -> dict[str, frozenset[str]]:
    """Each concept's related concepts (``text.RELATED`` read both ways)."""
    return {
        c: frozenset(other for pair in RELATED if c in pair for other in pair - {c}) for pair in RELATED for c in pair
    }


_RELATED_TO = _related_to()


def pair_score(a: Attendee, b: Attendee) -> float:
    """How complementary two people are, in either direction (symmetric), their words weighed by themselves.

    Seating a whole meal uses ``ProfileIndex(attendees).pair_score`` instead, where rare words are judged
    against everyone's texts.
    """
    return ProfileIndex((a, b)).pair_score(a.user_id, b.user_id)


def industry(person: Attendee) -> str | None:
    """The business concept of what they do (else their RSVP answer, else their offer), to mix tables."""
    for text in (person.what_i_do, person.answer, person.offer):
        found = concepts_of(text or "")
        if found:
            return found[0]
    return None


def fair_share(per_person: int, receivers: int, candidates: int) -> int:
    """The most times one person may be suggested: their share of all suggestions plus one, ≥ per_person."""
    if candidates == 0:
        return per_person
    return max(per_person, math.ceil(per_person * receivers / candidates) + 1)


def suggest_introductions(
    attendees: Sequence[Attendee],
    *,
    already_introduced: Collection[frozenset[int]] = (),
    per_person: int = 3,
) -> dict[int, list[Introduction]]:
    """Up to ``per_person`` people each attendee should meet, best first (mutual interest first).

    Every attendee passed in has opted in to introductions. The answer has a list for every attendee (empty
    for hosts, empty profiles and people nobody complements). A pair in ``already_introduced`` is never
    suggested again; nobody is suggested more than ``fair_share`` times.
    """
    _check_unique(attendees)
    if per_person < 1:
        return {a.user_id: [] for a in attendees}
    index = ProfileIndex(a for a in attendees if a.has_profile)
    eligible = sorted(a.user_id for a in attendees if a.has_profile and not a.host)
    done = {frozenset(pair) for pair in already_introduced}
    options = _options(index, eligible, done)
    candidates = {peer for found in options.values() for peer, _ in found}
    receivers = sum(1 for found in options.values() if found)
    cap = fair_share(per_person, receivers, len(candidates))
    picked = _pick(options, per_person, cap)
    result: dict[int, list[Introduction]] = {a.user_id: [] for a in attendees}
    for uid, chosen in picked.items():
        result[uid] = [introduce(index, uid, peer, found) for peer, found in sorted(chosen, key=_priority)]
    return result


def _check_unique(attendees: Sequence[Attendee]) -> None:
    seen = Counter(a.user_id for a in attendees)
    twice = sorted(uid for uid, n in seen.items() if n > 1)
    if twice:
        raise InvalidInput(f"These people are listed twice: {', '.join(map(str, twice))}.")


def _options(
    index: ProfileIndex, eligible: Sequence[int], done: set[frozenset[int]]
) -> dict[int, list[tuple[int, Complement]]]:
    """For each person, everyone who complements them and has not been introduced to them before, best first."""
    options: dict[int, list[tuple[int, Complement]]] = {uid: [] for uid in eligible}
    for i, a in enumerate(eligible):
        for b in eligible[i + 1 :]:
            found = index.complement(a, b)
            if found is None or frozenset((a, b)) in done:
                continue
            options[a].append((b, found))
            options[b].append((a, Complement(found.b_helps_a, found.a_helps_b)))  # seen from b
    for listed in options.values():
        listed.sort(key=_priority)
    return options


def _priority(option: tuple[int, Complement]) -> tuple[bool, float, int]:
    peer, found = option
    return (not found.mutual, -found.score, peer)


def _pick(
    options: dict[int, list[tuple[int, Complement]]], per_person: int, cap: int
) -> dict[int, list[tuple[int, Complement]]]:
    """Round by round, each person takes their best remaining option whose peer is under the cap.

    Rounds (rather than the best scores first) keep a popular person's cap from being used up before
    people with few options get their first suggestion; within a round, fewest options go first.
    """
    chosen: dict[int, list[tuple[int, Complement]]] = {uid: [] for uid in options}
    times_suggested: Counter[int] = Counter()
    next_option = dict.fromkeys(options, 0)
    order = sorted(options, key=lambda uid: (len(options[uid]), uid))
    for _ in range(per_person):
        for uid in order:
            found = options[uid]
            while next_option[uid] < len(found):
                peer, complement = found[next_option[uid]]
                next_option[uid] += 1
                if times_suggested[peer] < cap:
                    chosen[uid].append((peer, complement))
                    times_suggested[peer] += 1
                    break
    return chosen


def introduce(index: ProfileIndex, uid: int, peer: int, found: Complement) -> Introduction:
    """What `uid` is told about `peer`: their words and yours, in one or two sentences."""
    name = index.people[peer].name
    clauses = []
    if found.b_helps_a is not None:
        clauses.append(_they_help_you(name, found.b_helps_a))
    if found.a_helps_b is not None:
        clauses.append(_you_help_them(name, found.a_helps_b))
    reason = " And ".join(clauses) if found.mutual else clauses[0]
    return Introduction(uid, peer, reason, round(found.score, 4), found.mutual)


def _they_help_you(name: str, match: Match) -> str:
    """ "Ana offers bookkeeping; you're looking for an accountant." """
    return f"{_they_have(name, match)}; you're looking for {_retold(match.sought, to_them=False)}."


def _you_help_them(name: str, match: Match) -> str:
    """ "Ana is looking for a new website; you offer web design." """
    return f"{name} is looking for {_retold(match.sought, to_them=True)}; {_you_have(match)}."


def _they_have(name: str, match: Match) -> str:
    offered = _retold(match.offered, to_them=True)
    if match.source is Source.ANSWER:
        return f"{name} said “{offered}”"
    spoken = _FIRST_PERSON.match(offered)
    if spoken is not None:
        verb, rest = spoken.group(2).casefold(), offered[spoken.end() :]
        return f"{name} {'is' if verb in _TO_BE else _third_person(verb)} {rest}".rstrip()
    if _is_a_role(offered):
        return f"{name} is {_article(offered)} {offered}"
    return f"{name} offers {offered}" if match.source is Source.OFFER else f"{name}'s work: {offered}"


def _you_have(match: Match) -> str:
    offered = _retold(match.offered, to_them=False)
    if match.source is Source.ANSWER:
        return f"you said “{offered}”"
    spoken = _FIRST_PERSON.match(offered)
    if spoken is not None:
        verb, rest = spoken.group(2).casefold(), offered[spoken.end() :]
        return f"you {'are' if verb in _TO_BE else verb} {rest}".rstrip()
    if _is_a_role(offered):
        return f"you're {_article(offered)} {offered}"
    return f"you offer {offered}" if match.source is Source.OFFER else f"your work: {offered}"


# A short noun phrase naming a trade ("lawyer", "web designer") reads as "Dan is a lawyer", not "offers lawyer".
_ROLE_ENDINGS = ("er", "or", "ist", "ant", "ian", "ographer", "smith", "maker")
_ARTICLES = ("a ", "an ", "the ")


def _is_a_role(words: str) -> bool:
    parts = words.split()
    return 0 < len(parts) <= 3 and parts[-1].casefold().endswith(_ROLE_ENDINGS) and not words.startswith(_ARTICLES)


def _article(words: str) -> str:
    return "an" if words[:1].casefold() in "aeiou" else "a"


# Their words, retold by someone else: "for my team" → "for your team" (to them) or "for their team".
_POSSESSIVES = re.compile(r"\b(my|our|me|us|mine|ours|myself|ourselves)\b", re.IGNORECASE)
_TO_THEM = {"my": "their", "our": "their", "me": "them", "us": "them", "mine": "theirs", "ours": "theirs",
            "myself": "themselves", "ourselves": "themselves"}  # fmt: skip
_TO_YOU = {"my": "your", "our": "your", "me": "you", "us": "you", "mine": "yours", "ours": "yours",
           "myself": "yourself", "ourselves": "yourselves"}  # fmt: skip


def _retold(words: str, *, to_them: bool) -> str:
    """Pronouns turned around; an all-capitals word is a name, not a pronoun ("shipping to the US")."""
    table = _TO_THEM if to_them else _TO_YOU

    def turned(match: re.Match[str]) -> str:
        word = match.group(1)
        return word if len(word) > 1 and word.isupper() else table[word.casefold()]

    return _POSSESSIVES.sub(turned, words)


# "I run a bakery" → "Ana runs a bakery" / "you run a bakery"; "I'm a photographer" → "Ana is a photographer".
_FIRST_PERSON = re.compile(r"^(i|we)(?:\s+|(?=['’]))(['’]m|['’]re|am|are|\w+)\s*", re.IGNORECASE)
_TO_BE = frozenset({"'m", "’m", "'re", "’re", "am", "are"})


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"
