-- Search blocks (pgstore/eventblock.go). Maintaining the GIN indexes of
-- fields and text_lower for every event cost most of an event's insert;
-- they move to event_blocks, one row per block of up to 256 events of one
-- partition stored together: the union of its events' fields documents
-- and each distinct lower-cased value once, a line each, with the range
-- of their sequences, the span of their times and when they were stored.
-- A search selects blocks through these indexes and checks the events of
-- the blocks by events' own columns, which are kept but no longer indexed.
-- Blocks may overlap (a batch stored again after a take-over, with new
-- events among old); a search merges their ranges.

CREATE TABLE event_blocks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partition integer NOT NULL,
    first_seq bigint NOT NULL,
    last_seq bigint NOT NULL,
    stored_ns bigint NOT NULL,
    min_time_ns bigint NOT NULL,
    max_time_ns bigint NOT NULL,
    fields jsonb NOT NULL,
    text_lower text NOT NULL
);

-- The events stored before: a block of one event each, its own columns,
-- so that every stored event is found as before (retention removes them
-- in time).
INSERT INTO event_blocks (partition, first_seq, last_seq, stored_ns, min_time_ns, max_time_ns, fields, text_lower)
SELECT partition, seq, seq, stored_ns, time_ns, time_ns, fields, text_lower
FROM events ORDER BY partition, seq;

CREATE INDEX event_blocks_stored ON event_blocks (stored_ns);
CREATE INDEX event_blocks_fields ON event_blocks USING gin (fields jsonb_path_ops);
CREATE INDEX event_blocks_text ON event_blocks USING gin (text_lower public.gin_trgm_ops);

DROP INDEX events_fields;
DROP INDEX events_text;
