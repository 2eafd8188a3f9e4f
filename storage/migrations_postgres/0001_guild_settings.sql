-- PostgreSQL twins of storage/migrations/NNNN_*.sql: the same changes, in PostgreSQL's types (BIGINT for
-- SQLite's INTEGER, identity columns for its rowid ids).
-- Per-guild configuration set with /setup.
CREATE TABLE guild_settings (
    guild_id             BIGINT PRIMARY KEY,
    manager_role_id      BIGINT,
    announce_channel_id  BIGINT,
    -- minutes before a meal, comma-separated, largest first (e.g. "1440,120")
    reminder_offsets     TEXT NOT NULL DEFAULT '1440,120',
    default_capacity     BIGINT NOT NULL DEFAULT 12 CHECK (default_capacity BETWEEN 1 AND 1000),
    updated_at           TEXT NOT NULL,
    updated_by           BIGINT NOT NULL
);
