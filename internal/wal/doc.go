// Package wal is Vigil's write-ahead log: the durable queue between the
// listeners that accept events and the detectors that consume them. A
// record is acknowledged only once it is on disk, and after a crash
// (kill -9, power loss) every acknowledged record is there exactly once
// and nothing half-written comes back.
//
// # Layout
//
// A log is a directory of segment files, each named by the sequence number
// of its first record (00000000000000000001.wal) and holding records framed
// as [length uint32][CRC-32C uint32][payload], little-endian, the checksum
// covering the length and the payload. Sequence numbers start at 1, are
// dense, and are not stored: a record's number is its segment's first
// number plus its position. Consumer positions are kept in small
// checkpoint files (name.ckpt) beside the segments, and a LOCK file, held
// with flock while the log is open, keeps a second process out.
//
// # Durability
//
// Append returns once its records are written and fsynced. Concurrent
// Append calls share commits (group commit, leader and followers): the
// first caller to find no commit running leads, writing and fsyncing
// everything pending as one batch; callers arriving meanwhile queue (up to
// Options.QueueLen, then they block) and the first of them leads the next
// batch. A busy log thus pays one write and one fsync per batch, never one
// per record, and a lone caller commits itself with no hand-off or timer.
// A new or removed segment is made durable by fsyncing the directory.
//
// Open recovers: it scans the last segment and cuts a torn tail (a record
// a crash left incomplete, or a final record whose checksum fails because
// its write never finished) and reports what it cut in Stats and to the
// logger. A bad record followed by good data is corruption, not a crash,
// and Open refuses it with an error naming the file and byte offset.
//
// # Consuming without duplicates
//
// A consumer (the detector) reads with Read or Follow from its checkpoint
// and records progress with SetCheckpoint(name, next), where next is the
// first record it has not finished. Saving the checkpoint after its outputs
// are durable gives at-least-once processing: a crash between the two
// replays a few records. For exactly-once, the consumer commits its
// outputs and the sequence number of the last record they cover in one
// atomic write of its own (one transaction, or outputs keyed by sequence
// number so that a replay overwrites rather than duplicates), resumes from
// that stored number after a restart, and uses SetCheckpoint only to tell
// retention (TruncateBefore) how far it may delete.
package wal
