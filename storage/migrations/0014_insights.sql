-- Insights (issue 12): what customers tell us, classified, tagged, linked to who said it and where, with a
-- status that closes the loop. Searched with SQLite FTS5 (docs/insights.md).

CREATE TABLE insights (
    id                 INTEGER PRIMARY KEY,  -- also the FTS rowid: it must never change
    guild_id           INTEGER NOT NULL,
    text               TEXT NOT NULL,
    tags               TEXT NOT NULL DEFAULT '',  -- the clean tags joined with ", " (copy of insight_tags, for FTS)
    kind               TEXT NOT NULL CHECK (kind IN
                           ('pain_point', 'feature_request', 'praise', 'idea', 'question', 'churn_risk', 'other')),
    status             TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'planned', 'shipped', 'wont_do')),
    customer_user_id   INTEGER,              -- the customer who said it, when they are on Discord
    customer_name      TEXT,                 -- or their name, when they are not
    meal_id            INTEGER REFERENCES meals (id) ON DELETE SET NULL,
    city_id            INTEGER,              -- geonameid
    tour_id            INTEGER REFERENCES tours (id) ON DELETE SET NULL,
    source             TEXT NOT NULL CHECK (source IN ('manual', 'message', 'rsvp', 'feedback', 'checkin')),
    message_url        TEXT,                 -- jump link to the Discord message it came from
    logged_by          INTEGER,              -- user id of who logged it (NULL once that person is forgotten)
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    status_note        TEXT,
    status_changed_at  TEXT
);
CREATE INDEX insights_by_guild ON insights (guild_id, created_at);
CREATE INDEX insights_by_kind ON insights (guild_id, kind, created_at);
CREATE INDEX insights_by_city ON insights (guild_id, city_id, created_at);
CREATE INDEX insights_by_tour ON insights (guild_id, tour_id, created_at);
CREATE INDEX insights_by_customer ON insights (guild_id, customer_user_id);
CREATE INDEX insights_by_meal ON insights (meal_id);

-- One row per tag of an insight: the tag filter, the "tags in use" autocomplete and the top-tags report.
-- guild_id is repeated so those read one guild's range of the index instead of every guild's tags.
CREATE TABLE insight_tags (
    insight_id  INTEGER NOT NULL REFERENCES insights (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (insight_id, tag)
);
CREATE INDEX insight_tags_by_tag ON insight_tags (guild_id, tag, insight_id);

-- Full-text index over the text and the tags. External content (the words live once, in insights) kept in
-- sync by triggers: every write path (the repository, a future script, forget_user's rewrites) updates the
-- index in the same statement, so it cannot drift. The migration splitter keeps each CREATE TRIGGER … END;
-- whole (sqlite3.complete_statement understands trigger bodies; tests/service/test_insights_storage.py).
-- porter: "crashes" finds "crash"; remove_diacritics: "cafe" finds "café".
CREATE VIRTUAL TABLE insights_fts USING fts5(
    text, tags, content='insights', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER insights_fts_insert AFTER INSERT ON insights BEGIN
    INSERT INTO insights_fts (rowid, text, tags) VALUES (new.id, new.text, new.tags);
END;

CREATE TRIGGER insights_fts_delete AFTER DELETE ON insights BEGIN
    INSERT INTO insights_fts (insights_fts, rowid, text, tags) VALUES ('delete', old.id, old.text, old.tags);
END;

CREATE TRIGGER insights_fts_update AFTER UPDATE OF text, tags ON insights BEGIN
    INSERT INTO insights_fts (insights_fts, rowid, text, tags) VALUES ('delete', old.id, old.text, old.tags);
    INSERT INTO insights_fts (rowid, text, tags) VALUES (new.id, new.text, new.tags);
END;
