from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import ConfigError, RedactSecrets, Settings


def test_defaults_need_nothing_running() -> None:
    settings = Settings.from_env({})

    assert settings.discord_token is None
    assert settings.database_path() == Path("data/listening-tour.db")
    assert settings.dev_guild_id is None and settings.log_level == "INFO"


def test_values_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": " secret-token ",
            "LT_DATA_DIR": "/srv/lt",
            "LT_DEV_GUILD_ID": "123456789012345678",
            "LT_LOG_LEVEL": "debug",
            "LT_DEMO_PORT": "9000",
        }
    )

    assert settings.discord_token == "secret-token"
    assert settings.database_path() == Path("/srv/lt/listening-tour.db")
    assert (settings.dev_guild_id, settings.log_level, settings.demo_port) == (123456789012345678, "DEBUG", 9000)


def test_the_token_never_shows_in_repr() -> None:
    assert "secret-token" not in repr(Settings.from_env({"DISCORD_TOKEN": "secret-token"}))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LT_DEV_GUILD_ID": "my-server"}, "LT_DEV_GUILD_ID: expected a Discord server id"),
        ({"LT_LOG_LEVEL": "LOUD"}, "LT_LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR"),
        ({"LT_DEMO_PORT": "70000"}, "LT_DEMO_PORT: expected a TCP port number"),
        ({"DATABASE_URL": "mysql://db/lt"}, "DATABASE_URL: expected sqlite:///path/to/file.db"),
        ({"DATABASE_URL": "postgresql://"}, "DATABASE_URL: expected postgresql://user@host:5432/database"),
    ],
)
def test_bad_values_name_the_variable_and_the_problem(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_postgresql_url_chooses_the_postgresql_store() -> None:
    settings = Settings.from_env({"DATABASE_URL": "postgresql://lt:pw@db.internal:5432/lt?schema=tour"})
    assert settings.uses_postgres
    assert not Settings.from_env({}).uses_postgres
    with pytest.raises(ConfigError, match="pg_dump"):  # SQLite-only commands say what to do instead
        settings.database_path()


def test_database_passwords_are_not_echoed_in_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"DATABASE_URL": "mysql://lt:hunter2@db/lt"})
    assert "hunter2" not in str(caught.value)


def test_log_lines_never_carry_the_token() -> None:
    record = logging.LogRecord("discord.http", logging.INFO, __file__, 1, "token is %s", ("abc.def",), None)

    RedactSecrets(["abc.def"]).filter(record)

    assert record.getMessage() == "token is [redacted]"
