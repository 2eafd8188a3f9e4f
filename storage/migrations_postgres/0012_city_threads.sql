-- Local threads (issue 11): one thread per city in the announcement channel, opened when a meal there is
-- published; customers of the city who turned introductions on are added and introduced to each other.
ALTER TABLE guild_settings ADD COLUMN city_threads BIGINT NOT NULL DEFAULT 0 CHECK (city_threads IN (0, 1));

CREATE TABLE city_threads (
    guild_id    BIGINT NOT NULL,
    geonameid   BIGINT NOT NULL,
    thread_id   BIGINT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (guild_id, geonameid)
);

-- Who has been added to a city's thread (so a later meal adds only the newcomers).
CREATE TABLE city_thread_members (
    guild_id    BIGINT NOT NULL,
    geonameid   BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (guild_id, geonameid, user_id)
);
