-- A tour publishes all its meals in one transaction (issue 9). Each meal of a tour is keyed by its place in
-- the itinerary (tour_slot), so publishing again after a crash or an error never makes a second meal for
-- the same breakfast, lunch or dinner. Tours now pass through 'publishing' (meals stored, posts and events
-- still being created by the outbox) before 'published'.
ALTER TABLE meals ADD COLUMN tour_slot BIGINT;
UPDATE meals SET tour_slot = (
    SELECT COUNT(*) FROM meals AS earlier
    WHERE earlier.tour_id = meals.tour_id
      AND (earlier.starts_at < meals.starts_at OR (earlier.starts_at = meals.starts_at AND earlier.id < meals.id))
) WHERE tour_id IS NOT NULL;
CREATE UNIQUE INDEX meals_by_tour_slot ON meals (tour_id, tour_slot) WHERE tour_id IS NOT NULL;
CREATE INDEX meals_by_tour ON meals (tour_id) WHERE tour_id IS NOT NULL;
