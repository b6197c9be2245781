-- Alerts and incidents (alert.Store). Each item is kept whole as JSON in
-- body, its latest version; the other columns are copies of what queries
-- filter and sort on. Times are Unix nanoseconds so that the order is the
-- embedded store's to the nanosecond; ids sort bytewise (COLLATE "C").
-- body is json, not jsonb: it keeps any string an event carried (jsonb
-- refuses \u0000) and costs less to write.

CREATE TABLE alert_position (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position bigint NOT NULL
);
INSERT INTO alert_position (position) VALUES (0);

CREATE TABLE alerts (
    id text COLLATE "C" PRIMARY KEY,
    rule_id text NOT NULL,
    level_rank smallint NOT NULL,
    host_lower text NOT NULL,
    status text NOT NULL,
    incident_id text NOT NULL,
    last_seen_ns bigint NOT NULL,
    body json NOT NULL
);
CREATE INDEX alerts_newest ON alerts (last_seen_ns DESC, id);
CREATE INDEX alerts_incident ON alerts (incident_id);
CREATE INDEX alerts_rule ON alerts (rule_id, last_seen_ns DESC);
CREATE INDEX alerts_host ON alerts (host_lower, last_seen_ns DESC);

CREATE TABLE incidents (
    id text COLLATE "C" PRIMARY KEY,
    last_seen_ns bigint NOT NULL,
    body json NOT NULL
);
CREATE INDEX incidents_newest ON incidents (last_seen_ns DESC, id);

-- Partitions of the event stream owned by detector nodes
-- (alert.PartitionStore): the epoch that owns each, the last stream
-- sequence committed, and the correlation state saved with it.
CREATE TABLE alert_partitions (
    partition integer PRIMARY KEY,
    epoch bigint NOT NULL,
    seq bigint NOT NULL DEFAULT 0,
    state bytea
);
