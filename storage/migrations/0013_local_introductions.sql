-- Between tours (issue 11): every few weeks, customers of one city who turned introductions on are paired
-- for a local introduction, never the same pair twice. local_intro_weeks: 0 (off), 2 or 4.
ALTER TABLE guild_settings ADD COLUMN local_intro_weeks INTEGER NOT NULL DEFAULT 0
    CHECK (local_intro_weeks IN (0, 2, 4));

CREATE TABLE local_introductions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    round_at    TEXT NOT NULL,
    user_id     INTEGER NOT NULL,   -- who is told
    peer_id     INTEGER NOT NULL,   -- about whom
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (guild_id, user_id, peer_id)
);
CREATE INDEX local_introductions_by_peer ON local_introductions (guild_id, peer_id);

-- When each server's last round ran.
CREATE TABLE local_intro_rounds (
    guild_id    INTEGER PRIMARY KEY,
    ran_at      TEXT NOT NULL
);
