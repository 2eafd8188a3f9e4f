-- Insight search over 100,000+ insights (issue 12, docs/insights.md "Ranking and pages"): a narrow index of
-- the filter columns keyed by id. A search with words walks the FTS5 matches in rowid order and checks each
-- one's server and filters here (INDEXED BY in storage/insights.py) instead of reading the wide row (text,
-- notes) from the table: a quarter of the pages, and bm25 is then computed only for the matches that pass.
CREATE INDEX insights_search_filters ON insights (id, guild_id, kind, status, city_id, tour_id, customer_user_id,
    created_at);
