-- The notification targets added at run time from the console or the API
-- (targetstore.Target), shared by every node: an API node adds and
-- removes them, every node that notifies (role detect) reads them again
-- when notify_targets_generation has moved. body is the target as JSON,
-- its URL included: a Teams or Slack URL carries its own secret, so this
-- table is to be read by Vigil's database role only.

CREATE TABLE notify_targets (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    id text COLLATE "C" PRIMARY KEY CHECK (id LIKE 'nt-%'),
    body jsonb NOT NULL
);
CREATE INDEX notify_targets_seq ON notify_targets (seq);

-- One more with every add and remove, in the same transaction.
CREATE TABLE notify_targets_generation (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint NOT NULL
);
INSERT INTO notify_targets_generation (generation) VALUES (0);
