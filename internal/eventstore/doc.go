// Package eventstore keeps the events Vigil has accepted so that people can
// search them: by time range, by field values and by free text. It sits
// behind the write-ahead log (internal/wal): the service copies the log's
// records into the store in batches, and the log may drop what the store
// has made durable. Store is the interface the service and the command
// line use; Local is the embedded implementation, and a PostgreSQL one can
// satisfy the same interface and the same test suite (storetest).
//
// # Local layout
//
// A directory of append-only segment files, each named by the first
// sequence number it may hold (00000000000000000001.seg) and starting with
// an 8-byte magic. A segment holds frames
//
//	[length uint32][CRC-32C uint32][seq uint64][event bytes]
//
// little-endian, the checksum covering length, sequence number and event.
// The event bytes are those of event.AppendBinary, as the log holds them.
// Writing is one write(2) per Append call, with an fsync at most every
// Options.SyncEvery and when a segment is sealed: the log, not the store,
// is what makes an event durable, so a crash costs the store only what the
// service appends again from the log.
//
// When a segment reaches Options.SegmentBytes it is sealed: fsynced, and
// given a sidecar index (same name, .idx) with its sequence range, event
// count, oldest and newest event time, the set of field names it holds, a
// bitmap of the lower-cased trigrams of its values and a Bloom filter of its
// field=value pairs. A search skips a segment whose time range, field names,
// trigrams or pairs show that it cannot match, and within a segment decodes
// only records whose raw bytes contain every literal the query needs.
// Retention deletes whole segments, oldest first by size, and any last
// written more than Options.MaxAge ago.
//
// After a crash, Open cuts a torn tail (a frame a kill left incomplete)
// from the last segment and rebuilds an index that is missing or damaged;
// Position is then the last whole record, and every record at or below it
// is intact. OpenReadOnly reads a directory that another process is writing
// (vigil search beside vigil serve): it takes no lock and reads the last
// segment up to its last complete frame.
package eventstore
