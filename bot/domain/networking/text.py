"""Profile text → phrases a match can quote: clauses, light stemming and a small business-concept lexicon.

A profile field is cut into clauses ("bookkeeping, payroll and tax returns" → three phrases); each phrase
keeps the person's own words for the reason shown to people, and carries its stems (lower case, plural
and -ing/-er/-ed/-ment endings stripped, filler words dropped) and the business concepts its words name.
Two people's phrases can then be compared by shared concepts ("bookkeeping" and "an accountant" both name
*accounting*) or shared words, which the lexicon does not need to know.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

QUOTE_LIMIT = 60  # characters of a person's words quoted in a reason
FUZZY_CUTOFF = 88  # rapidfuzz ratio at which a word counts as a misspelling of the lexicon's ("acountant")
FUZZY_MIN_LENGTH = 5  # shorter words differ by one letter too often ("seo", "ceo")

# Words that say nothing about what someone offers or needs; matching on them gives junk reasons.
STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """a about all also am an and any anyone are as at be business businesses but by can company could do does
    find for from get good great have has help hoping i i'm im in into is it's its just like local look looking
    me meet more my need needs new of offer offering offers on or other our people person plus provide
    providing really search searching seek seeking service services small some someone something support that
    the their them they this to up us want we we're who will with would you your yours""",
    )
)

# How people start a phrase before saying the thing itself; stripped from the quote ("I can offer X" → "X").
_OFFER_OPENINGS = re.compile(
    r"^(?:(?:i|we)\s+(?:can\s+)?(?:offer|provide|do|help(?:\s+(?:you|people))?(?:\s+with)?)|"
    r"(?:i|we)\s+can|can|offering|providing|happy\s+to\s+(?:help\s+with|offer|share)|"
    r"help\s+with)\s+",
    re.IGNORECASE,
)
_SEEK_OPENINGS = re.compile(
    r"^(?:(?:i\s*'?\s*m|i\s+am|we\s*'?\s*re|we\s+are)\s+(?:looking|searching|hoping)\s+(?:for|to\s+(?:find|meet))|"
    r"(?:i|we)\s+(?:need|want|would\s+like|seek)(?:\s+to\s+(?:find|meet))?|"
    r"looking\s+(?:for|to\s+(?:find|meet))|seeking|searching\s+for|need|want|"
    r"(?:an?\s+)?introductions?\s+to|to\s+(?:find|meet)|(?:help|advice)\s+(?:with|on)\s+(?=\w))\s*",
    re.IGNORECASE,
)
_CLAUSE_BREAKS = re.compile(r"[;\n.!?•·|]+|,\s*|\s+(?:and|&|\+|or)\s+|\s*/\s*")
_CONTEXT_START = re.compile(r"\s+(?:for|in|to|from|at|with|who|that|on|of)\s+", re.IGNORECASE)
_LEADING_JOINER = re.compile(r"^(?:and|or|also|plus)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

# Business concepts, each with the words people use for it, comma-separated (any form: they are stemmed
# like the profiles; a term of several words must appear in that order).
CONCEPTS: dict[str, str] = {
    "accounting": (
        "accountant, accounting, accounts, bookkeeping, bookkeeper, books, tax, taxes, payroll, cpa, auditor, "
        "invoicing, invoices, vat, quickbooks, xero, tax returns, financial statements, year-end"
    ),
    "legal": (
        "lawyer, attorney, legal, law, contract, contracts, paralegal, solicitor, notary, compliance, trademark, "
        "trademarks, patent, patents, incorporation, litigation, gdpr"
    ),
    "marketing": (
        "marketing, marketer, advertising, ads, seo, social media, promotion, campaign, campaigns, newsletter, pr, "
        "public relations, influencer, influencers, instagram, tiktok, google ads, visibility"
    ),
    "sales": (
        "customers, customer, clients, client, sales, leads, buyers, lead generation, business development, "
        "referrals, prospects, deals, salesperson, new accounts"
    ),
    "web": (
        "website, websites, web, webdesign, wordpress, shopify, ecommerce, e-commerce, online store, online shop, "
        "webshop, landing page, web developer, squarespace, wix"
    ),
    "software": (
        "software, app, apps, developer, programming, programmer, coding, coder, automation, saas, crm, database, "
        "integration, integrations, mobile app, ai"
    ),
    "it": (
        "it support, tech support, computers, computer, network, networks, cybersecurity, backups, servers, "
        "helpdesk, laptops"
    ),
    "design": (
        "design, designer, graphic, graphics, logo, logos, branding, brand, illustration, illustrator, ux, ui, "
        "visual identity"
    ),
    "hiring": (
        "hiring, hire, recruiting, recruiter, recruitment, staff, staffing, employees, talent, hr, human resources, "
        "workers, jobs, interns, candidates, headhunter"
    ),
    "funding": (
        "investor, investors, funding, investment, capital, angel, venture, vc, loan, loans, financing, grant, "
        "grants, crowdfunding, fundraising, bank, banker, lender, credit line, seed round"
    ),
    "logistics": (
        "logistics, shipping, freight, delivery, deliveries, courier, transport, transportation, trucking, truck, "
        "trucks, fulfillment, fulfilment, warehouse, warehousing, storage space, last mile"
    ),
    "real estate": (
        "real estate, realtor, property, properties, office space, commercial space, lease, landlord, rental, "
        "storefront, retail space, premises, workspace, coworking, office"
    ),
    "insurance": "insurance, insurer, coverage, liability, underwriter, insurance broker",
    "photography": (
        "photography, photographer, photos, photo, headshots, photoshoot, pictures, video, videos, videography, "
        "videographer, filming, product shots"
    ),
    "printing": (
        "printing, print, printer, prints, signage, signs, flyers, brochures, business cards, banners, stickers, "
        "print shop"
    ),
    "packaging": "packaging, boxes, labels, containers, bottles, jars",
    "suppliers": (
        "supplier, suppliers, supply, sourcing, wholesale, wholesaler, vendor, vendors, raw materials, ingredients, "
        "produce, stock, inventory"
    ),
    "manufacturing": (
        "manufacturer, manufacturing, factory, production, fabrication, prototyping, prototype, 3d printing, cnc, "
        "machining, assembly"
    ),
    "distribution": (
        "distribution, distributor, distributors, retailers, stockists, shelf space, resellers, reseller, dealers, "
        "dealer, shops to carry, stores to carry"
    ),
    "mentoring": (
        "mentor, mentors, mentoring, mentorship, coaching, coach, advisor, adviser, guidance, consulting, "
        "consultant, business strategy, sounding board"
    ),
    "training": (
        "training, trainer, workshop, workshops, course, courses, teaching, teacher, education, tutoring, tutor, "
        "classes"
    ),
    "writing": (
        "copywriting, copywriter, writer, writing, copy, blog, blogging, editing, editor, proofreading, "
        "content writing, grant writing"
    ),
    "translation": (
        "translation, translator, translate, interpreter, interpreting, localization, localisation, french, spanish"
    ),
    "events": (
        "events, event, event planning, venue, venues, conference, conferences, meetups, weddings, party, parties, "
        "trade show"
    ),
    "food": (
        "catering, caterer, food, restaurant, restaurants, bakery, baker, bread, coffee, cafe, chef, meals, kitchen, "
        "lunches"
    ),
    "construction": (
        "construction, contractor, renovation, renovations, home builder, plumbing, plumber, electrician, carpentry, "
        "carpenter, handyman, fit-out, repairs"
    ),
    "cleaning": "cleaning, cleaner, cleaners, janitorial, housekeeping",
    "energy": "solar, energy, recycling, sustainability, green, electricity, heat pump, ev",
    "health": (
        "health, healthcare, clinic, doctor, dentist, physio, physiotherapy, wellness, fitness, therapist, massage, "
        "nutrition"
    ),
    "data": "data, analytics, dashboards, dashboard, reporting, data science, excel, spreadsheets, metrics",
    "hospitality": "hotel, hotels, bnb, hospitality, tourism, travel, tours, accommodation",
    "farming": "farm, farmer, farming, organic, growers, grower, orchard, livestock",
    "retail": "shop, store, boutique, retail, retailer, shopkeeper",
}

# Concepts close enough that one can often serve a need for the other (counted at RELATED_WEIGHT).
RELATED: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("marketing", "sales"), ("web", "software"), ("web", "design"), ("marketing", "design"),
        ("marketing", "photography"), ("marketing", "writing"), ("printing", "design"), ("packaging", "printing"),
        ("suppliers", "manufacturing"), ("packaging", "suppliers"), ("distribution", "logistics"),
        ("distribution", "sales"), ("software", "it"), ("software", "data"), ("events", "food"),
        ("mentoring", "training"), ("farming", "suppliers"), ("retail", "distribution"),
    )
)  # fmt: skip


def stem(word: str) -> str:
    """A light, consistent stem: "bookkeepers" → "bookkeep", "designer" → "design", "companies" → "company"."""
    w = word.casefold().replace("'", "")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ment", "ing", "er", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def content_stems(text: str) -> tuple[str, ...]:
    """The stems that carry meaning, in order (filler words dropped)."""
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit())


def _build_lexicon() -> tuple[dict[str, frozenset[str]], dict[tuple[str, ...], frozenset[str]]]:
    single: dict[str, set[str]] = {}
    multi: dict[tuple[str, ...], set[str]] = {}
    for concept, terms in CONCEPTS.items():
        for term in terms.split(","):
            stems = tuple(stem(w) for w in words(term))
            if not stems:
                continue
            target = single.setdefault(stems[0], set()) if len(stems) == 1 else multi.setdefault(stems, set())
            target.add(concept)
    return ({k: frozenset(v) for k, v in single.items()}, {k: frozenset(v) for k, v in multi.items()})


_SINGLE, _MULTI = _build_lexicon()
_LEXICON_WORDS = sorted(w for w in _SINGLE if len(w) >= FUZZY_MIN_LENGTH)
# Heads that only say "someone who provides…": the need is in what follows ("a supplier of bread").
_GENERIC_HEADS = frozenset(
    stem(w)
    for w in re.findall(
        r"\S+", "supplier provider source vendor expert specialist partner company firm contact introduction advice"
    )
)
_LONGEST_TERM = max(len(k) for k in _MULTI)


def concepts_of(text: str) -> tuple[str, ...]:
    """The concepts the text names, in the order it names them (each once)."""
    stems = [stem(w) for w in words(text)]
    found: dict[str, None] = {}
    for start in range(len(stems)):
        for length in range(_LONGEST_TERM, 1, -1):
            for concept in _MULTI.get(tuple(stems[start : start + length]), ()):
                found.setdefault(concept)
        for concept in _SINGLE.get(stems[start], ()) or _SINGLE.get(_lexicon_word(stems[start]) or "", ()):
            found.setdefault(concept)
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _lexicon_word(word: str) -> str | None:
    """The lexicon's word a misspelt one stands for ("acountant" → "accountant"), if one is that close."""
    if len(word) < FUZZY_MIN_LENGTH or word in _SINGLE:
        return None
    found = process.extractOne(word, _LEXICON_WORDS, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return None if found is None else str(found[0])


@dataclass(frozen=True, slots=True)
class Phrase:
    """One clause of a profile field: the words to quote, their stems and the concepts they name.

    ``stems`` and ``concepts`` come from the clause's head, before "for", "in", "to"…: in "customers for my
    bakery" the need is customers, and the bakery is context (its stems are kept apart, in ``context``).
    """

    quote: str
    stems: frozenset[str]
    concepts: frozenset[str]
    context: frozenset[str] = frozenset()


def phrases(text: str | None, *, seeking: bool) -> tuple[Phrase, ...]:
    """A field cut into clauses; the openings ("I'm looking for", "we offer") are left out of the quote."""
    if not text:
        return ()
    found: list[Phrase] = []
    for clause in _clauses(text):
        said = _strip_opening(clause, seeking=seeking)
        head, context = _head_and_context(said)
        quote = shorten(said)
        stems = frozenset(content_stems(head))
        if stems:
            concepts = concepts_of(head) or concepts_of(context)
            found.append(Phrase(quote, stems, frozenset(concepts), frozenset(content_stems(context)) - stems))
    return tuple(found)


def _head_and_context(clause: str) -> tuple[str, str]:
    """ "a lawyer for contracts" → ("a lawyer", "contracts"); a head with no content keeps the whole clause."""
    parts = _CONTEXT_START.split(clause, maxsplit=1)
    head, context = (parts[0], parts[1]) if len(parts) == 2 else (clause, "")
    head_stems = set(content_stems(head))
    return (head, context) if head_stems - _GENERIC_HEADS else (clause, "")


def _clauses(text: str) -> Iterator[str]:
    for part in _CLAUSE_BREAKS.split(text):
        clause = _LEADING_JOINER.sub("", part.strip(" \t\"'“”‘’()[]-–—:"))
        if clause:
            yield clause


def _strip_opening(clause: str, *, seeking: bool) -> str:
    pattern = _SEEK_OPENINGS if seeking else _OFFER_OPENINGS
    stripped = pattern.sub("", clause, count=1).strip() or clause
    # "Bookkeeping" reads better mid-sentence as "bookkeeping"; "SEO" keeps its capitals.
    if len(stripped) > 1 and stripped[0].isupper() and stripped[1].islower():
        stripped = stripped[0].lower() + stripped[1:]
    return stripped


_OPENINGS = frozenset({
    "a", "an", "the", "some", "any", "more", "free", "cheap", "good", "great", "quick", "local", "new", "small",
    "big", "reliable", "affordable", "help", "advice", "support",
})  # fmt: skip


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most ``limit`` characters, cut at a word and marked with "…". The words are quoted mid-sentence, so a
    capital that only began the person's sentence is lowered ("A good accountant" → "a good accountant"); a
    name keeps it ("Google Ads management"), so only common openings are lowered."""
    text = " ".join(text.split())
    first = text.split(" ", 1)[0]
    if (
        first[:1].isupper()
        and (first[1:].islower() or len(first) == 1)
        and (first.casefold() in _OPENINGS or first.endswith("ing"))
    ):
        text = text[0].lower() + text[1:]
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"


def vocabulary(all_phrases: Iterable[Phrase]) -> set[str]:
    return {s for phrase in all_phrases for s in phrase.stems}
