// Package audit is Vigil's own audit log: an append-only, hash-chained
// record of every view of patient-identifiable data and every change made
// through the console or the API.
//
// Each entry is one line of JSON in <data>/audit/audit-<first seq>.jsonl.
// It carries a sequence number (seq), the hash of the entry before it
// (prev) and its own hash: SHA-256, or HMAC-SHA256 when a key is set, over
// the canonical encoding of the entry without its hash. Changing, removing
// or reordering an entry breaks the chain at that entry, and Verify names
// it. Files rotate by size; the chain continues across them.
//
// Appends return once the entry is on disk; appends that arrive while an
// fsync is running share the next one. After a crash, Open drops a torn
// last line (and logs it) but never repairs an entry in the middle of the
// log: that is Verify's to report.
//
// Threat model: without a key, the chain detects accidental damage and
// edits by anyone who does not recompute every later hash; an attacker
// who can rewrite the whole folder can rewrite a consistent chain. With a
// key (config audit.key_file) kept where that attacker cannot read it,
// the hashes cannot be recomputed without it. Neither detects the newest
// entries being cut off the end: ship the log, or its last hash, off the
// machine for that. docs/security.md says more.
package audit
