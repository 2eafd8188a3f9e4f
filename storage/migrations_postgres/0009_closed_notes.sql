-- A fallback note stops gathering recipients when the outbox reads it for posting, not when Discord has
-- posted it: someone added in between (by another process) would be recorded as told, yet never mentioned.
ALTER TABLE fallback_notes ADD COLUMN closed_at TEXT;
UPDATE fallback_notes SET closed_at = posted_at;
DROP INDEX fallback_notes_unposted;
CREATE INDEX fallback_notes_open ON fallback_notes (guild_id, meal_id) WHERE closed_at IS NULL;
