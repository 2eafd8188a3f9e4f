-- Per-guild configuration set with /setup.
CREATE TABLE guild_settings (
    guild_id             INTEGER PRIMARY KEY,
    manager_role_id      INTEGER,
    announce_channel_id  INTEGER,
    -- minutes before a meal, comma-separated, largest first (e.g. "1440,120")
    reminder_offsets     TEXT NOT NULL DEFAULT '1440,120',
    default_capacity     INTEGER NOT NULL DEFAULT 12 CHECK (default_capacity BETWEEN 1 AND 1000),
    updated_at           TEXT NOT NULL,
    updated_by           INTEGER NOT NULL
);
