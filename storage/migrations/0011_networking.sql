-- Peer networking (issue 11): introductions, seating plans, card swaps and "did you connect?" outcomes.
-- Every row names both people by Discord user id, within one guild; /privacy delete removes a person's rows
-- on either side.

-- "You two should meet": told to user_id about peer_id, before a meal. A pair is never suggested again at a
-- later meal of the same server (either direction).
CREATE TABLE introductions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    meal_id     INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    peer_id     INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    score       REAL NOT NULL,
    mutual      INTEGER NOT NULL CHECK (mutual IN (0, 1)),
    created_at  TEXT NOT NULL,
    UNIQUE (meal_id, user_id, peer_id)
);
CREATE INDEX introductions_by_person ON introductions (guild_id, user_id);
CREATE INDEX introductions_by_peer ON introductions (guild_id, peer_id);

-- The latest seating plan of a meal: who sits at which table (1-based).
CREATE TABLE seats (
    meal_id     INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    table_no    INTEGER NOT NULL,
    PRIMARY KEY (meal_id, user_id)
);

-- "Share my card with …": one side's consent. A card is delivered only once both sides agreed; one side
-- alone reveals nothing to the other.
CREATE TABLE card_offers (
    guild_id    INTEGER NOT NULL,
    meal_id     INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    peer_id     INTEGER NOT NULL,
    contact     TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (meal_id, user_id, peer_id)
);
CREATE INDEX card_offers_by_person ON card_offers (guild_id, user_id);

-- "Did you connect with …?": what user_id answered about peer_id, some days after the meal.
CREATE TABLE connections (
    guild_id    INTEGER NOT NULL,
    meal_id     INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    peer_id     INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('yes', 'not_yet', 'no')),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (meal_id, user_id, peer_id)
);
CREATE INDEX connections_by_person ON connections (guild_id, user_id);

-- How many days after a meal the follow-up asks "did you connect?" (0: never).
ALTER TABLE guild_settings ADD COLUMN followup_days INTEGER NOT NULL DEFAULT 7 CHECK (followup_days BETWEEN 0 AND 60);
