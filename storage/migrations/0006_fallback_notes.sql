-- Messages that could not be sent by DM, kept so their recipients can read them privately (issue 6):
-- the channel only shows a neutral "I couldn't DM you — press Show" with the mentions.
CREATE TABLE fallback_notes (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    meal_id     INTEGER REFERENCES meals (id) ON DELETE CASCADE,
    actions     TEXT NOT NULL DEFAULT '',   -- RSVP buttons to show with it, comma-separated
    content     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE fallback_note_recipients (
    note_id     INTEGER NOT NULL REFERENCES fallback_notes (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (note_id, user_id)
);
CREATE INDEX fallback_note_recipients_by_user ON fallback_note_recipients (user_id);
