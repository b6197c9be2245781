// Package httpin is the HTTP ingest endpoint, POST /api/v1/events: a body
// of newline-delimited JSON, one event per line, in any layout that
// winjson.Decode reads (evtx_dump, Winlogbeat/ECS, nxlog, flat JSON with a
// "logsource" object), optionally gzip-compressed.
//
// A request is all or nothing for the events it carries: the handler
// decodes the whole body, then hands every event to the sink in one
// Accept call, and answers 200 only once that call has returned nil (the
// events are durable). When the sink is overloaded it answers 429 with
// Retry-After and nothing of the request is stored, so the sender simply
// sends the same request again. Lines that are not a JSON event are
// refused: they are listed in the answer with their line numbers and sent
// to the quarantine (once the rest is stored, so that a retried request
// does not quarantine them twice); they never stop the other lines.
//
// Answers, all JSON:
//
//	200 {"accepted": N, "refused": [{"line": L, "error": "..."}], "refused_count": R}
//	401 the Authorizer refused the request
//	405 a method other than POST
//	413 a body over MaxBody (as sent or decompressed), or over BatchSize events
//	415 a content type other than NDJSON or JSON, or an encoding other than gzip
//	429 the sink is overloaded; Retry-After says when to try again
//	503 the sink failed; nothing was stored
//
// and errors are {"error": "..."}. The list of refused lines stops at the
// first 1000; refused_count counts them all.
package httpin
