package httpin

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
)

// Authorizer decides whether a request may send events; the service
// supplies it (bearer tokens). A non-nil error makes the handler answer
// 401 with the error's text.
type Authorizer interface {
	Authorize(r *http.Request) error
}

// AuthorizerFunc adapts a function to an Authorizer.
type AuthorizerFunc func(r *http.Request) error

// Authorize calls f(r).
func (f AuthorizerFunc) Authorize(r *http.Request) error { return f(r) }

// Defaults for Options.
const (
	DefaultMaxBody    = 32 << 20
	DefaultMaxLine    = 1 << 20
	DefaultBatchSize  = 10000
	DefaultRetryAfter = time.Second
)

// maxListed bounds the refused lines listed in one answer.
const maxListed = 1000

// Options tune the handler; zero values take the defaults above.
type Options struct {
	MaxBody    int64         // largest body in bytes, as sent and after decompression
	MaxLine    int           // longest line in bytes; a longer one is refused
	BatchSize  int           // most events in one request (they go to the sink in one call)
	RetryAfter time.Duration // the Retry-After of a 429, rounded up to whole seconds
	Log        *slog.Logger  // where sink failures are logged; nil logs nothing
}

// handler serves POST /api/v1/events.
type handler struct {
	sink  ingest.Sink
	q     ingest.Quarantine
	auth  Authorizer
	opts  Options
	retry string // the Retry-After value
	pool  sync.Pool
}

// NewEventsHandler returns the handler for POST /api/v1/events; the
// package comment describes the answers. auth must not be nil: a service
// that wants no authorization says so with an AuthorizerFunc that returns
// nil.
func NewEventsHandler(sink ingest.Sink, q ingest.Quarantine, auth Authorizer, opts Options) http.Handler {
	if sink == nil || q == nil || auth == nil {
		panic("httpin: NewEventsHandler needs a sink, a quarantine and an authorizer")
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultMaxLine
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = DefaultRetryAfter
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	h := &handler{sink: sink, q: q, auth: auth, opts: opts, retry: RetryAfter(opts.RetryAfter)}
	h.pool.New = func() any { return new(request) }
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed; send events with POST", r.Method))
		return
	}
	if err := h.auth.Authorize(r); err != nil {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeError(w, http.StatusUnauthorized, "not authorized: "+err.Error())
		return
	}
	if msg := checkContentType(r.Header.Get("Content-Type")); msg != "" {
		writeError(w, http.StatusUnsupportedMediaType, msg)
		return
	}
	body, status, msg := ReadBody(w, r, h.opts.MaxBody)
	if status != 0 {
		writeError(w, status, msg)
		return
	}
	req := h.pool.Get().(*request)
	defer h.release(req)
	req.peer, req.host = r.RemoteAddr, HostOf(r.RemoteAddr)
	if status, msg := h.read(req, body); status != 0 {
		writeError(w, status, msg)
		return
	}
	if status, msg := h.store(r, req); status != 0 {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", h.retry)
		}
		writeError(w, status, msg)
		return
	}
	for _, ref := range req.refused {
		h.q.Reject("http", req.peer, ref.raw, fmt.Errorf("line %d: %w", ref.line, ref.err))
	}
	writeAnswer(w, req)
}

// ReadBody returns r's body, limited to max bytes as sent and after gzip
// decompression (Content-Encoding gzip), or the status and message to
// answer when it cannot be read: 415 for another encoding, 400 for a
// broken gzip header. Reading past max fails with an error for which
// BodyStatus gives 413. Other handlers that take bodies (FHIR) share it.
func ReadBody(w http.ResponseWriter, r *http.Request, max int64) (io.Reader, int, string) {
	raw := http.MaxBytesReader(w, r.Body, max)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return raw, 0, ""
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(raw)
		if err != nil {
			return nil, BodyStatus(err), "body: gzip: " + err.Error()
		}
		// Bound what the body expands to as well, against a small body
		// that inflates to gigabytes.
		return &limitReader{r: gz, left: max}, 0, ""
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Sprintf("content encoding %q not supported; send gzip or none", enc)
	}
}

// RetryAfter is the Retry-After header value for d: whole seconds, rounded
// up.
func RetryAfter(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// store hands the request's events to the sink in one call, so that the
// request is stored whole or not at all.
func (h *handler) store(r *http.Request, req *request) (int, string) {
	if len(req.evs) == 0 {
		return 0, ""
	}
	err := h.sink.Accept(r.Context(), req.evs)
	switch {
	case err == nil:
		return 0, ""
	case errors.Is(err, ingest.ErrOverloaded):
		return http.StatusTooManyRequests, fmt.Sprintf("overloaded: none of the %d events was stored; send them again after %s seconds", len(req.evs), h.retry)
	default:
		h.opts.Log.Error("http ingest: sink failed", "peer", req.peer, "events", len(req.evs), "err", err)
		return http.StatusServiceUnavailable, fmt.Sprintf("events not stored: %v; none of the %d was stored, send them again", err, len(req.evs))
	}
}

// checkContentType returns why a content type is refused, or "".
func checkContentType(ct string) string {
	if ct == "" {
		return "no content type; send application/x-ndjson"
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Sprintf("content type %q: %v", ct, err)
	}
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines",
		"application/jsonlines", "application/json", "application/x-json":
		return ""
	}
	if strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json") {
		return ""
	}
	return fmt.Sprintf("content type %q not supported; send application/x-ndjson (one JSON event per line)", mt)
}

// HostOf returns the IP address of a "host:port" remote address (a
// request's RemoteAddr), or addr itself when it has no port.
func HostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// request holds one request's events and refused lines; requests are
// pooled so that events and their storage are reused.
type request struct {
	evs     []*event.Event
	spare   []*event.Event // events of earlier requests, ready for reuse
	refused []refusal
	peer    string
	host    string
	lines   lineReader
}

// refusal is a refused line: its number, why, and its bytes for the
// quarantine.
type refusal struct {
	line int
	raw  []byte
	err  error
}

// event returns an empty event for the next line.
func (req *request) event() *event.Event {
	if n := len(req.spare); n > 0 {
		ev := req.spare[n-1]
		req.spare = req.spare[:n-1]
		return ev
	}
	return new(event.Event)
}

// release resets a request and returns it to the pool.
func (h *handler) release(req *request) {
	for _, ev := range req.evs {
		ev.Reset()
	}
	req.spare = append(req.spare, req.evs...)
	clear(req.evs)
	req.evs = req.evs[:0]
	clear(req.refused)
	req.refused = req.refused[:0]
	req.lines.reset(nil)
	h.pool.Put(req)
}

// decode reads one line into a new event, or records why it is refused.
func (h *handler) decode(req *request, n int, line []byte) {
	ev := req.event()
	// The events are reused (see release) and the sink keeps none, so
	// their values go into their own arenas: no allocation per event.
	if err := winjson.DecodeReuse(line, ev); err != nil {
		req.spare = append(req.spare, ev)
		req.refuse(n, line, err)
		return
	}
	ev.Source = "http"
	if ev.Host == "" {
		ev.Host = req.host
	}
	req.evs = append(req.evs, ev)
}

// refuse records a refused line, keeping a copy of it for the quarantine.
func (req *request) refuse(n int, line []byte, err error) {
	req.refused = append(req.refused, refusal{line: n, raw: append([]byte(nil), line...), err: err})
}
