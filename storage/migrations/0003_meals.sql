-- Meals, RSVPs, durable reminders and DM failures (issue 6).
CREATE TABLE meals (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    tour_id         INTEGER,
    geonameid       INTEGER NOT NULL,
    city            TEXT NOT NULL,
    city_label      TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    latitude        REAL NOT NULL,
    longitude       REAL NOT NULL,
    slot            TEXT NOT NULL,
    venue           TEXT,
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    capacity        INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    question        TEXT NOT NULL,
    rsvp_cutoff     TEXT,
    host_id         INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'scheduled',
    channel_id      INTEGER,
    message_id      INTEGER,
    event_id        INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX meals_by_guild ON meals (guild_id, starts_at);
CREATE INDEX meals_by_event ON meals (event_id);

CREATE TABLE rsvps (
    meal_id          INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL,
    status           TEXT NOT NULL,
    guests           INTEGER NOT NULL DEFAULT 0,
    answer           TEXT,
    seq              INTEGER NOT NULL,
    offer_expires_at TEXT,
    checked_in_at    TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (meal_id, user_id)
);
CREATE INDEX rsvps_by_status ON rsvps (meal_id, status, seq);
CREATE INDEX rsvps_by_offer ON rsvps (status, offer_expires_at);
CREATE INDEX rsvps_by_user ON rsvps (user_id);

-- One row per person, meal and offset: sent at most once (sent_at), retried with backoff on failure.
CREATE TABLE reminders (
    id               INTEGER PRIMARY KEY,
    meal_id          INTEGER NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL,
    offset_minutes   INTEGER NOT NULL,
    due_at           TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          TEXT,
    delivered_via    TEXT,
    last_error       TEXT,
    UNIQUE (meal_id, user_id, offset_minutes)
);
CREATE INDEX reminders_due ON reminders (sent_at, next_attempt_at);

CREATE TABLE dm_failures (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    code        INTEGER NOT NULL,
    purpose     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX dm_failures_by_user ON dm_failures (user_id);
