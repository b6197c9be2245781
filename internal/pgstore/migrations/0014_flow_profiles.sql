-- The flow watch's learned profile per stream partition (FlowProfileStore):
-- a flow source is (listener, host, kind) and the stream is partitioned by
-- host, so each partition's sources are its own and a detect node keeps
-- one profile (flow.Watch's binary form) per partition it holds. The row
-- moves with the partition: the holder saves it, fenced by the epoch of
-- alert_partitions, and the next holder reads it when it claims the
-- partition. The API nodes merge every partition's profile.

CREATE TABLE flow_profiles (
    partition integer PRIMARY KEY,
    epoch bigint NOT NULL,
    profile bytea NOT NULL,
    saved_at timestamptz NOT NULL
);
