-- One outbox for everything the bot sends on its own (issue 9): DMs, meal posts, Discord events and the
-- channel notes for closed DMs. A row is written in the transaction of the change that causes it and is
-- claimed by the dispatcher with a lease (lease_owner, lease_until), so two processes never send it twice.
-- Reminders and invitations, which had tables of their own, become rows here.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    meal_id        INTEGER REFERENCES meals (id) ON DELETE CASCADE,
    user_id        INTEGER,                     -- the recipient of a DM
    payload        TEXT NOT NULL DEFAULT '{}',  -- JSON details (an offer's deadline, what a change changed, …)
    dedupe_key     TEXT,                        -- one row per key, ever (a reminder, an invitation)
    job            TEXT,                        -- the command that caused it (progress in its reply)
    due_at         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts       INTEGER NOT NULL DEFAULT 0,  -- claims so far
    rate_limited   INTEGER NOT NULL DEFAULT 0,  -- of those, answered with 429 (waited out, not counted as failures)
    lease_owner    TEXT,
    lease_until    TEXT,
    delivered_via  TEXT,                        -- dm | channel | post | event | none
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    finished_at    TEXT
);
CREATE UNIQUE INDEX outbox_once ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
-- While one sync of a meal's post (or event) waits, further changes add nothing: it will show the latest.
CREATE UNIQUE INDEX outbox_coalesced ON outbox (kind, meal_id)
    WHERE status = 'pending' AND kind IN ('meal_post', 'meal_event');
CREATE INDEX outbox_due ON outbox (status, due_at);
CREATE INDEX outbox_by_meal ON outbox (meal_id, kind, status);
CREATE INDEX outbox_by_user ON outbox (user_id);
CREATE INDEX outbox_by_job ON outbox (job) WHERE job IS NOT NULL;
CREATE INDEX outbox_by_guild ON outbox (guild_id, status, finished_at);

INSERT INTO outbox (guild_id, kind, meal_id, user_id, payload, dedupe_key, due_at, status, attempts,
                    delivered_via, last_error, created_at, finished_at)
SELECT m.guild_id, 'reminder', r.meal_id, r.user_id,
       json_object('offset_minutes', r.offset_minutes, 'starts_at', m.starts_at),
       'reminder:' || r.meal_id || ':' || r.user_id || ':' || r.offset_minutes || ':' || r.due_at,
       r.next_attempt_at,
       CASE WHEN r.sent_at IS NULL THEN 'pending'
            WHEN r.delivered_via = 'gave up' THEN 'failed'
            WHEN r.delivered_via = 'skipped' THEN 'skipped'
            ELSE 'sent' END,
       r.attempts,
       CASE WHEN r.delivered_via IN ('dm', 'channel') THEN r.delivered_via
            WHEN r.delivered_via = 'failed' THEN 'none' END,
       r.last_error, r.due_at, r.sent_at
FROM reminders r JOIN meals m ON m.id = r.meal_id;

INSERT INTO outbox (guild_id, kind, meal_id, user_id, dedupe_key, due_at, status, attempts, delivered_via,
                    created_at, finished_at)
SELECT m.guild_id, 'invitation', i.meal_id, i.user_id, 'invitation:' || i.meal_id || ':' || i.user_id,
       i.sent_at, 'sent', 1, CASE WHEN i.delivered_via IN ('dm', 'channel') THEN i.delivered_via ELSE 'none' END,
       i.sent_at, i.sent_at
FROM invitations i JOIN meals m ON m.id = i.meal_id;

-- Lapsed seat offers whose owner was not told yet (an expired row still carrying its deadline).
INSERT INTO outbox (guild_id, kind, meal_id, user_id, due_at, created_at)
SELECT m.guild_id, 'offer_lapsed', r.meal_id, r.user_id, r.offer_expires_at, r.offer_expires_at
FROM rsvps r JOIN meals m ON m.id = r.meal_id
WHERE r.status = 'expired' AND r.offer_expires_at IS NOT NULL;
UPDATE rsvps SET offer_expires_at = NULL WHERE status = 'expired';

DROP TABLE reminders;
DROP TABLE invitations;

-- Notes for closed DMs are posted by the outbox too: they gather the people of one bulk send first.
ALTER TABLE fallback_notes ADD COLUMN channel_id INTEGER;
ALTER TABLE fallback_notes ADD COLUMN posted_at TEXT;
UPDATE fallback_notes SET posted_at = created_at;
CREATE INDEX fallback_notes_unposted ON fallback_notes (guild_id, meal_id) WHERE posted_at IS NULL;
