-- Post-meal feedback and referrals (issue 12): "how likely are you to recommend us?" (0–10), "would you refer a
-- peer?", a comment; and the referrals managers record (who referred whom).

-- Hours after a meal's end to ask the people who came (0: never).
ALTER TABLE guild_settings ADD COLUMN feedback_hours INTEGER NOT NULL DEFAULT 3 CHECK (feedback_hours BETWEEN 0 AND 72);

CREATE TABLE meal_feedback (
    guild_id     INTEGER NOT NULL,
    meal_id      INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    score        INTEGER CHECK (score BETWEEN 0 AND 10),
    refer        TEXT CHECK (refer IN ('yes', 'maybe', 'no')),
    comment      TEXT,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (meal_id, user_id)
);
CREATE INDEX meal_feedback_by_person ON meal_feedback (guild_id, user_id);

CREATE TABLE referrals (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    tour_id        INTEGER,
    referrer_id    INTEGER NOT NULL,
    referred_id    INTEGER,          -- a member, or
    referred_name  TEXT,             -- someone not on the server
    recorded_by    INTEGER NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX referrals_by_tour ON referrals (guild_id, tour_id);
CREATE INDEX referrals_by_person ON referrals (guild_id, referrer_id);
