"""Which servers a process serves: Discord's shard formula, and --shard-count / --shard-ids as typed."""

from __future__ import annotations

import pytest

from bot.domain.shards import ShardError, Shards


def test_a_process_serves_everything_only_with_every_shard() -> None:
    assert Shards().everything and Shards(4, (0, 1, 2, 3)).everything
    assert not Shards(4, (0, 2)).everything  # which servers a shard has: tests/service/test_conformance.py


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        (None, None, Shards()),
        (4, None, Shards(4, (0, 1, 2, 3))),
        (4, "2", Shards(4, (2,))),
        (4, "3, 1,1", Shards(4, (1, 3))),
    ],
)
def test_shards_from_the_command_line(count: int | None, ids: str | None, expected: Shards) -> None:
    assert Shards.parse(count, ids) == expected


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        (None, "1", "--shard-ids needs --shard-count"),
        (0, None, "--shard-count: expected 1 to 4096, got 0"),
        (4, "4", r"shards are numbered 0 to 3 for --shard-count 4; got \[4\]"),
        (4, "one", "expected numbers separated by commas"),
        (4, ",", "name at least one shard"),
    ],
)
def test_bad_shards_say_what_to_fix(count: int | None, ids: str | None, message: str) -> None:
    with pytest.raises(ShardError, match=message):
        Shards.parse(count, ids)


def test_the_label_says_which_shards_this_process_runs() -> None:
    assert Shards().label == "the only one (no shards)"
    assert Shards(4, (1,)).label == "shard 1 of 4"
    assert Shards(4, (0, 2)).label == "shards 0, 2 of 4"
