-- Events from the scaled-out detect nodes (EventStore.AppendPartition):
-- each is keyed by the stream partition it came from and its stream
-- sequence, so that a batch stored again after a take-over inserts
-- nothing. The single write-ahead log's events (Append) have partition
-- -1 and keep the one position in event_position.

ALTER TABLE events ADD COLUMN partition integer NOT NULL DEFAULT -1;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (partition, seq);
