-- Searchable events (eventstore.Store). data is the event in the write-ahead
-- log's encoding, what searches decode and match exactly; fields and
-- text_lower only select candidates: fields holds the lower-cased values by
-- lower-cased field name ("f") and the metadata ("m": host, source,
-- product, category, service), for containment (@>) through a GIN index;
-- text_lower holds every lower-cased value, for substring search through a
-- trigram index. Times are Unix nanoseconds; stored_ns is when the event was
-- written, what retention by age measures.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE TABLE event_position (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position bigint NOT NULL
);
INSERT INTO event_position (position) VALUES (0);

CREATE TABLE events (
    seq bigint PRIMARY KEY,
    time_ns bigint NOT NULL,
    stored_ns bigint NOT NULL,
    bytes integer NOT NULL,
    data bytea NOT NULL,
    fields jsonb NOT NULL,
    text_lower text NOT NULL
);
CREATE INDEX events_time ON events (time_ns);
CREATE INDEX events_stored ON events (stored_ns);
CREATE INDEX events_fields ON events USING gin (fields jsonb_path_ops);
CREATE INDEX events_text ON events USING gin (text_lower public.gin_trgm_ops);
