-- Tours, their planner parameters, pinned and dropped stops, and the current plan (issue 5).
CREATE TABLE tours (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    name               TEXT NOT NULL,
    start_city         INTEGER NOT NULL,
    end_city           INTEGER NOT NULL,
    first_day          TEXT NOT NULL,
    last_day           TEXT NOT NULL,
    meals              TEXT NOT NULL,
    daily_drive_hours  REAL NOT NULL,
    min_attendance     INTEGER NOT NULL DEFAULT 3 CHECK (min_attendance >= 0),
    arrive_by          TEXT,
    status             TEXT NOT NULL DEFAULT 'draft',
    plan               TEXT,
    planned_at         TEXT,
    created_by         INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
-- A cancelled tour frees its name.
CREATE UNIQUE INDEX tours_by_name ON tours (guild_id, name COLLATE NOCASE) WHERE status != 'cancelled';
CREATE INDEX tours_by_guild ON tours (guild_id, first_day);

CREATE TABLE tour_stops (
    tour_id    INTEGER NOT NULL REFERENCES tours (id) ON DELETE CASCADE,
    geonameid  INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('pin', 'drop')),
    day        INTEGER,
    slot       TEXT,
    PRIMARY KEY (tour_id, geonameid)
);
