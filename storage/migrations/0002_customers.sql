-- Customers by city (issue 4): who they are, where they live, what they do, and what they agreed to.
--
-- A customer is either a Discord member (user_id set) or someone a manager imported who is not on the
-- server yet (user_id NULL, known by discord_name and/or email). Cities are geonames ids of the gazetteer
-- (bot/domain/cities.py). Opt-ins are separate and default off (DESIGN §4, Consent).
CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER,
    discord_name    TEXT,             -- lower-cased Discord username, as imported
    name            TEXT,             -- display name, as imported or from Discord
    email           TEXT,             -- lower-cased, imported only
    city_id         INTEGER,          -- geonameid
    what_i_do       TEXT,
    offer           TEXT,
    seek            TEXT,
    company         TEXT,
    website         TEXT,
    source          TEXT NOT NULL CHECK (source IN ('discord', 'import')),
    consented_at    TEXT,             -- when the person agreed to us storing their city and profile
    allow_dms       INTEGER NOT NULL DEFAULT 0 CHECK (allow_dms IN (0, 1)),
    listed          INTEGER NOT NULL DEFAULT 0 CHECK (listed IN (0, 1)),
    introductions   INTEGER NOT NULL DEFAULT 0 CHECK (introductions IN (0, 1)),
    quotes          INTEGER NOT NULL DEFAULT 0 CHECK (quotes IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE UNIQUE INDEX customers_by_user ON customers (guild_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX customers_by_discord_name ON customers (guild_id, discord_name) WHERE discord_name IS NOT NULL;
CREATE UNIQUE INDEX customers_by_email ON customers (guild_id, email) WHERE email IS NOT NULL;
CREATE INDEX customers_by_city ON customers (guild_id, city_id);

-- "Please stop in my town": one request per person and city; asking again updates the note.
CREATE TABLE stop_requests (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    city_id     INTEGER NOT NULL,
    note        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (guild_id, city_id, user_id)
);

CREATE INDEX stop_requests_by_user ON stop_requests (guild_id, user_id);

-- A CSV checked by a dry run, waiting for the manager's Confirm button (kept so the button survives a
-- restart). status: pending → done.
CREATE TABLE customer_imports (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    created_by    INTEGER NOT NULL,
    filename      TEXT NOT NULL,
    content       TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    created_at    TEXT NOT NULL,
    finished_at   TEXT
);
