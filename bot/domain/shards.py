"""Which Discord shards one bot process serves (``python -m bot run --shard-count N --shard-ids …``).

Discord sends a server's events to shard ``(guild_id >> 22) % shard_count``, and only that shard's process has
the server in its cache; so a process sends outbox rows (posts, events, DMs) of its own servers only, and
several processes over one PostgreSQL database share the work without sending anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHARDS = 4096


class ShardError(ValueError):
    """--shard-count / --shard-ids are not a valid set of shards; the message says what to fix."""


@dataclass(frozen=True)
class Shards:
    count: int = 1
    ids: tuple[int, ...] = (0,)

    @classmethod
    def parse(cls, count: int | None, ids: str | None) -> Shards:
        """From the command line: ``--shard-count 4 --shard-ids 0,2`` (ids default to all of them)."""
        if count is None:
            if ids:
                raise ShardError("--shard-ids needs --shard-count (how many shards the bot runs in all)")
            return cls()
        if not 1 <= count <= MAX_SHARDS:
            raise ShardError(f"--shard-count: expected 1 to {MAX_SHARDS}, got {count}")
        if not ids:
            return cls(count, tuple(range(count)))
        try:
            chosen = tuple(sorted({int(part) for part in ids.split(",") if part.strip()}))
        except ValueError:
            raise ShardError(f"--shard-ids: expected numbers separated by commas (like 0,2), got {ids!r}") from None
        if not chosen:
            raise ShardError("--shard-ids: name at least one shard (like 0 or 0,2)")
        wrong = [shard for shard in chosen if not 0 <= shard < count]
        if wrong:
            raise ShardError(
                f"--shard-ids: shards are numbered 0 to {count - 1} for --shard-count {count}; got {wrong}"
            )
        return cls(count, chosen)

    @property
    def everything(self) -> bool:
        """This process serves every server (one process, the default)."""
        return len(self.ids) == self.count

    @property
    def label(self) -> str:
        if self.count == 1:
            return "the only one (no shards)"
        which = ", ".join(map(str, self.ids))
        return f"shard{'s' if len(self.ids) > 1 else ''} {which} of {self.count}"


ONE_PROCESS = Shards()  # the default: one process serves every server
