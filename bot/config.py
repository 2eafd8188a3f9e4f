"""Settings from the environment, validated once at start-up.

Every problem names the variable and says what is wrong, so an operator can fix it without reading code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATA_DIR = "data"
DEFAULT_DEMO_PORT = 8765
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)  # never printed, never logged
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str = ""
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    demo_port: int = DEFAULT_DEMO_PORT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        data_dir = Path(env.get("LT_DATA_DIR", DEFAULT_DATA_DIR).strip() or DEFAULT_DATA_DIR)
        database_url = env.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'listening-tour.db'}"
        settings = cls(
            discord_token=env.get("DISCORD_TOKEN", "").strip() or None,
            data_dir=data_dir,
            database_url=database_url,
            dev_guild_id=_optional_snowflake(env, "LT_DEV_GUILD_ID"),
            log_level=_log_level(env),
            demo_port=_port(env, "LT_DEMO_PORT", DEFAULT_DEMO_PORT),
        )
        settings.check_database_url()  # now, not at first use
        return settings

    def check_database_url(self) -> None:
        parts = urlsplit(self.database_url)
        if parts.scheme in POSTGRES_SCHEMES:
            if not parts.hostname and not parts.path.strip("/"):
                raise ConfigError(
                    "DATABASE_URL: expected postgresql://user@host:5432/database[?schema=name], "
                    f"got {redact_url(self.database_url)!r}"
                )
            return
        self.database_path()

    @property
    def uses_postgres(self) -> bool:
        return urlsplit(self.database_url).scheme in POSTGRES_SCHEMES

    def database_path(self) -> Path:
        """The SQLite file named by DATABASE_URL (``sqlite:///relative/path`` or ``sqlite:////abs/path``)."""
        parts = urlsplit(self.database_url)
        if parts.scheme in POSTGRES_SCHEMES:
            raise ConfigError(
                "DATABASE_URL names a PostgreSQL database; this command works on an SQLite file "
                "(python -m bot backup explains pg_dump for PostgreSQL)"
            )
        if parts.scheme != "sqlite" or parts.netloc or not parts.path.removeprefix("/"):
            raise ConfigError(
                f"DATABASE_URL: expected sqlite:///path/to/file.db, got {redact_url(self.database_url)!r}"
            )
        return Path(parts.path.removeprefix("/"))


def _optional_snowflake(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 17 <= len(raw) <= 20:
        raise ConfigError(f"{name}: expected a Discord server id (17–20 digits), got {raw[:30]!r}")
    return int(raw)


def _log_level(env: Mapping[str, str]) -> str:
    level = env.get("LT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LT_LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}, got {level[:30]!r}")
    return level


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 <= int(raw) <= 65535:
        raise ConfigError(f"{name}: expected a TCP port number 0–65535, got {raw[:30]!r}")
    return int(raw)


def redact_url(url: str) -> str:
    """The URL with its password, if any, as ``***``: for messages and log lines."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url


class RedactSecrets(logging.Filter):
    """Replaces secrets (the bot token) in every log line, whatever logger emitted it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets([settings.discord_token or ""]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
