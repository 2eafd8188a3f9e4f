-- Quarterly check-ins (issue 12): "How are things going?" to customers who accept DMs, on a cadence
-- (checkin_weeks, 0: not scheduled) or on demand; replies become insights, unanswered ones are counted.
ALTER TABLE guild_settings ADD COLUMN checkin_weeks INTEGER NOT NULL DEFAULT 0 CHECK (checkin_weeks BETWEEN 0 AND 52);

CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    round_at     TEXT NOT NULL,      -- the round it belongs to
    user_id      INTEGER NOT NULL,
    answered_at  TEXT,
    insight_id   INTEGER,            -- the reply, logged as an insight
    UNIQUE (guild_id, round_at, user_id)
);
CREATE INDEX checkins_by_person ON checkins (guild_id, user_id);

CREATE TABLE checkin_rounds (
    guild_id     INTEGER NOT NULL,
    round_at     TEXT NOT NULL,
    asked        INTEGER NOT NULL,   -- people it was sent to
    skipped      INTEGER NOT NULL,   -- met at a meal in the last month
    PRIMARY KEY (guild_id, round_at)
);
