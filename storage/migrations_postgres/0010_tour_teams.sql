-- Several teams (hosts) may travel a tour in parallel from the same start, each with its own route and
-- meals (issue 10). Existing tours have one.
ALTER TABLE tours ADD COLUMN teams BIGINT NOT NULL DEFAULT 1 CHECK (teams BETWEEN 1 AND 4);
