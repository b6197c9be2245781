-- Learned assets per node (estate.Store.SaveLearned): each detect node
-- saves the assets it learned from its partitions' events under its own
-- name, replacing only its rows, and reading merges every node's rows per
-- host (estate.MergeLearned). Rows saved before belong to node '' (the
-- one save of before). key is the asset's key (estate.RegisterKey, here
-- computed as it does: lower case, trimmed, the name without its domain
-- unless an IP address); an older save holding two assets of one host
-- keeps the later ones under key#pos. pos is a node's own order.
-- estate_learned_nodes says which nodes saved and when, and its row
-- serialises one node's saves; it replaces estate_learned_saved.

ALTER TABLE estate_learned ADD COLUMN node text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE estate_learned ADD COLUMN key text COLLATE "C";
UPDATE estate_learned AS l SET key = CASE
        WHEN n.name ~ '^[0-9]+(\.[0-9]+){3}$' OR n.name LIKE '%:%' THEN n.name
        ELSE coalesce(nullif(split_part(n.name, '.', 1), ''), n.name)
    END
    FROM (SELECT pos, lower(btrim(coalesce(body->>'Name', ''), E' \t\n\r\f\v')) AS name FROM estate_learned) AS n
    WHERE l.pos = n.pos;
UPDATE estate_learned AS l SET key = l.key || '#' || l.pos
    WHERE EXISTS (SELECT 1 FROM estate_learned AS o WHERE o.key = l.key AND o.pos < l.pos);
ALTER TABLE estate_learned ALTER COLUMN key SET NOT NULL, ALTER COLUMN node DROP DEFAULT;
ALTER TABLE estate_learned DROP CONSTRAINT estate_learned_pkey;
ALTER TABLE estate_learned ADD PRIMARY KEY (node, key);

CREATE TABLE estate_learned_nodes (
    node text COLLATE "C" PRIMARY KEY,
    saved_at timestamptz NOT NULL
);
INSERT INTO estate_learned_nodes (node, saved_at)
    SELECT '', coalesce(saved_at, now()) FROM estate_learned_saved
    WHERE saved_at IS NOT NULL OR EXISTS (SELECT 1 FROM estate_learned);
ALTER TABLE estate_learned ADD FOREIGN KEY (node) REFERENCES estate_learned_nodes ON DELETE CASCADE;
DROP TABLE estate_learned_saved;
