-- Insight search without words by status (issue 12, docs/insights.md): "what have we planned?". Statuses other
-- than new are few, and without this index a search by one walked every insight of the server newest first,
-- reading each wide row for its status (200 ms over 100,000 insights). storage/insights.py walks it for a
-- status other than new; for new (most insights) the other filters' indexes drive.
CREATE INDEX insights_by_status ON insights (guild_id, status, created_at);
