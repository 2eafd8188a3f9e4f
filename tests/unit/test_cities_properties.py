"""Properties of the city resolver that must hold for any text a customer can type."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.cities import (
    MAX_AUTOCOMPLETE,
    MAX_CHOICES,
    City,
    Gazetteer,
    ResolutionStatus,
    Vicinity,
    default_gazetteer,
    fold,
)

GAZETTEER = default_gazetteer()  # cached loader: the same instance as every other test module
TOP_CITIES = list(GAZETTEER)[:2000]
LABEL_COUNTS = Counter(fold(city.label) for city in GAZETTEER)

# Measured: 1,968 of the 2,000 most populous cities resolve from their own label; the 32 others share
# their label with a namesake in the same country (e.g. two "Suzhou, CN"), so the answer must ask.
MEASURED_TOP_2000_ROUND_TRIPS = 1968

city_texts = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["Portland", "Springfield", "Torono", "NYC", "Paris, TX", "<@1>", "'; --"]),
    st.builds(lambda city, junk: city.name + junk, st.sampled_from(TOP_CITIES[:300]), st.text(max_size=5)),
)


def _check_shape(text: str) -> None:
    result = GAZETTEER.resolve(text)
    assert result.query == text
    assert len(result.choices) <= MAX_CHOICES
    if result.status is ResolutionStatus.RESOLVED:
        assert result.city is not None and result.city not in result.choices
    else:
        assert result.city is None and result.message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(city_texts)
def test_resolving_any_text_never_raises_and_answers_consistently(text: str) -> None:
    _check_shape(text)


@settings(max_examples=200, deadline=None)
@given(city_texts)
def test_resolution_is_deterministic(text: str) -> None:
    assert GAZETTEER.resolve(text) == GAZETTEER.resolve(text)
    assert GAZETTEER.resolve_many([text, text]) == [GAZETTEER.resolve(text)] * 2


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_autocomplete_of_any_text_never_raises_and_stays_within_discord_limits(text: str) -> None:
    choices = GAZETTEER.autocomplete(text)

    assert len(choices) <= MAX_AUTOCOMPLETE
    assert len({c.geonameid for c in choices}) == len(choices)
    assert all(len(c.label) <= 100 for c in choices)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TOP_CITIES[:500]),
    st.lists(st.sampled_from(["upper", "lower", "title", "pad", "double-space"]), max_size=3),
)
def test_case_and_spacing_never_change_the_answer(city: City, changes: list[str]) -> None:
    text = city.label
    for change in changes:
        text = {
            "upper": text.upper(), "lower": text.lower(), "title": text.title(),
            "pad": f"  {text}\t", "double-space": text.replace(" ", "  "),
        }[change]

    assert GAZETTEER.resolve(text).city == GAZETTEER.resolve(city.label).city


def test_every_city_with_a_label_of_its_own_resolves_from_that_label() -> None:
    unique = [city for city in GAZETTEER if LABEL_COUNTS[fold(city.label)] == 1]

    failures = [city.label for city in unique if GAZETTEER.resolve(city.label).city != city]

    assert len(unique) > 32_000
    assert failures == []


def test_a_city_sharing_its_label_is_the_answer_or_among_the_choices() -> None:
    shared = [city for city in GAZETTEER if LABEL_COUNTS[fold(city.label)] > 1]

    for city in shared:
        result = GAZETTEER.resolve(city.label)
        assert result.city == city or city in result.choices, city.label


def test_the_2000_most_populous_cities_round_trip_as_measured() -> None:
    round_trips = sum(GAZETTEER.resolve(city.label).city == city for city in TOP_CITIES)

    assert round_trips == MEASURED_TOP_2000_ROUND_TRIPS


@pytest.mark.parametrize("city", TOP_CITIES[:200], ids=lambda c: str(c.geonameid))
def test_the_200_biggest_cities_are_offered_when_their_full_name_is_typed(city: City) -> None:
    assert city in GAZETTEER.autocomplete(city.name)


def _ids(*queries: str) -> list[int]:
    return [city.geonameid for query in queries if (city := GAZETTEER.resolve(query).city) is not None]


CONTEXTS: list[Vicinity] = [
    GAZETTEER.vicinity(_ids("Toronto", "Montréal", "Ottawa")),
    GAZETTEER.vicinity(_ids("Vancouver, BC")),
    GAZETTEER.vicinity(_ids("Dallas", "Austin, TX", "Houston")),
    GAZETTEER.vicinity([(51.5, -0.1), (35.7, 139.7), (-33.9, 151.2)]),
    GAZETTEER.vicinity([]),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(city_texts, st.sampled_from(CONTEXTS))
def test_context_only_ever_chooses_among_the_same_candidates(text: str, near: Vicinity) -> None:
    plain, in_context = GAZETTEER.resolve(text), GAZETTEER.resolve(text, near=near)

    assert in_context.query == text and len(in_context.choices) <= MAX_CHOICES
    if plain.status is ResolutionStatus.UNKNOWN or (plain.resolved and not plain.choices):
        assert in_context == plain  # nothing to choose between: context changes nothing
    if plain.resolved:
        assert in_context.resolved  # context decides or stays out of it; it never turns an answer into a question
    else:
        before = {c.geonameid for c in (plain.city, *plain.choices) if c is not None}
        after = {c.geonameid for c in (in_context.city, *in_context.choices) if c is not None}
        if len(before) < MAX_CHOICES:  # every candidate was listed: context picks among them
            assert after <= before
        if in_context.resolved:
            assert in_context.city is not None and in_context.city not in in_context.choices
        else:
            assert in_context.message


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(city_texts, max_size=8))
def test_a_list_resolved_together_keeps_every_query_in_order(texts: list[str]) -> None:
    results = GAZETTEER.resolve_together(texts)

    assert [r.query for r in results] == texts
    assert GAZETTEER.resolve_together(texts) == results  # deterministic


def test_the_gazetteer_fixture_is_shared() -> None:
    assert isinstance(GAZETTEER, Gazetteer) and GAZETTEER is default_gazetteer()
