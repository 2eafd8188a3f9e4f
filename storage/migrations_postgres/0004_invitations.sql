-- Who was invited to a meal by DM, and how it reached them (issue 6): never invite anyone twice.
CREATE TABLE invitations (
    meal_id        BIGINT NOT NULL REFERENCES meals (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL,
    sent_at        TEXT NOT NULL,
    delivered_via  TEXT NOT NULL,
    PRIMARY KEY (meal_id, user_id)
);
CREATE INDEX invitations_by_user ON invitations (user_id);
