package serve

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"sync/atomic"

	"github.com/vigilhealth/vigil/internal/ingest"
	"github.com/vigilhealth/vigil/internal/ingest/httpin"
)

// fhirListener is the listener name of FHIR events (Source, metrics,
// quarantine, flow watch).
const fhirListener = "fhir"

// fhirHandler serves the FHIR ingest routes, as a FHIR server that only
// takes AuditEvents would:
//
//	POST /fhir/AuditEvent  one AuditEvent (application/fhir+json or application/json):
//	                       201 with Location AuditEvent/<id>, or 400 with an OperationOutcome;
//	                       NDJSON of AuditEvents (application/fhir+ndjson or application/x-ndjson):
//	                       200 with a batch-response Bundle, one entry per line
//	POST /fhir, /fhir/Bundle  a Bundle of type batch, transaction or collection:
//	                       200 with a batch-response (transaction-response) Bundle, each
//	                       entry 201 Created or 400 Bad Request with an OperationOutcome
//
// Each request's accepted AuditEvents go to the sink in one call, and the
// answer comes once they are durable; 429 with Retry-After when the sink is
// overloaded (nothing stored: send it again), 503 when it failed. Refused
// resources are quarantined once the rest is stored, so that a retried
// request does not quarantine them twice.
//
// Unlike a clinical FHIR server, a transaction Bundle is not all or
// nothing: the good audit records of a Bundle are kept even when one entry
// is malformed, since dropping them would lose evidence of who opened which
// record. Each entry's own response says what became of it.
type fhirHandler struct {
	sink       ingest.Sink
	q          ingest.Quarantine
	auth       httpin.Authorizer
	log        *slog.Logger
	maxBody    int64
	maxEntries int
	retry      string
	requests   atomic.Int64 // requests answered, for metrics
	refused    atomic.Int64 // AuditEvents refused as malformed
}

// newFHIRHandler returns the handler; a nil log discards logs.
func newFHIRHandler(sink ingest.Sink, q ingest.Quarantine, auth httpin.Authorizer, log *slog.Logger) *fhirHandler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &fhirHandler{sink: sink, q: q, auth: auth, log: log,
		maxBody: httpin.DefaultMaxBody, maxEntries: httpin.DefaultBatchSize, retry: httpin.RetryAfter(httpin.DefaultRetryAfter)}
}

// register adds the FHIR routes to mux.
func (h *fhirHandler) register(mux *http.ServeMux) {
	mux.HandleFunc("POST /fhir/AuditEvent", h.auditEvent)
	mux.HandleFunc("POST /fhir", h.bundle)
	mux.HandleFunc("POST /fhir/Bundle", h.bundle)
}

// request kinds, from the route and the content type.
const (
	kindResource = iota // one AuditEvent
	kindNDJSON          // AuditEvents, one per line
	kindBundle          // a Bundle of AuditEvents
)

// auditEvent serves POST /fhir/AuditEvent.
func (h *fhirHandler) auditEvent(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, kindResource)
}

// bundle serves POST /fhir and POST /fhir/Bundle.
func (h *fhirHandler) bundle(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, kindBundle)
}

func (h *fhirHandler) serve(w http.ResponseWriter, r *http.Request, kind int) {
	h.requests.Add(1)
	if err := h.auth.Authorize(r); err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
		writeOutcome(w, http.StatusUnauthorized, "login", "not authorized: "+err.Error())
		return
	}
	kind, msg := contentKind(r.Header.Get("Content-Type"), kind)
	if msg != "" {
		writeOutcome(w, http.StatusUnsupportedMediaType, "not-supported", msg)
		return
	}
	body, status, msg := h.read(w, r)
	if status != 0 {
		code := "structure"
		if status == http.StatusRequestEntityTooLarge {
			code = "too-costly"
		}
		writeOutcome(w, status, code, msg)
		return
	}
	h.take(w, r, kind, body)
}

// read returns the whole body, bounded by maxBody (also after gzip).
func (h *fhirHandler) read(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	br, status, msg := httpin.ReadBody(w, r, h.maxBody)
	if status != 0 {
		return nil, status, msg
	}
	body, err := readSized(br, r.ContentLength, h.maxBody)
	if err != nil {
		return nil, httpin.BodyStatus(err), "body: " + httpin.BodyError(err, h.maxBody)
	}
	return body, 0, ""
}

// readSized reads r to the end. A body of known size (the request's
// Content-Length, at most max) is read into one buffer of that size, one
// byte more to see the end, where io.ReadAll would start small and grow
// and copy about as much again as the body; a body that turns out longer
// (gzip) still grows as needed.
func readSized(r io.Reader, size, max int64) ([]byte, error) {
	if size <= 0 || size > max {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// take parses the body, stores what is valid and answers.
func (h *fhirHandler) take(w http.ResponseWriter, r *http.Request, kind int, body []byte) {
	var items []fhirItem
	respType := "batch-response"
	var berr *bundleError
	switch kind {
	case kindResource:
		items = []fhirItem{parseItem("AuditEvent", "", body)}
	case kindNDJSON:
		items, berr = parseNDJSON(body, h.maxEntries)
	default:
		items, respType, berr = parseBundleBody(body, h.maxEntries)
	}
	if berr != nil {
		if berr.status == http.StatusBadRequest {
			h.q.Reject(fhirListener, r.RemoteAddr, body, errors.New(berr.diag))
		}
		writeOutcome(w, berr.status, berr.code, berr.diag, berr.expr)
		return
	}
	ids := assignIDs(items)
	if !h.store(w, r, items) {
		return
	}
	for i := range items {
		if it := &items[i]; it.err != nil {
			h.refused.Add(1)
			h.q.Reject(fhirListener, r.RemoteAddr, it.raw, it.reason())
		}
	}
	if kind == kindResource {
		h.answerOne(w, &items[0], ids[0])
		return
	}
	answerBundle(w, respType, items, ids)
}

// store hands the valid items' events to the sink in one call, and answers
// (reporting false) when it did not take them. The events are reused by
// later requests once the sink has returned (fhirEvents).
func (h *fhirHandler) store(w http.ResponseWriter, r *http.Request, items []fhirItem) bool {
	n := 0
	for i := range items {
		if items[i].access != nil {
			n++
		}
	}
	if n == 0 {
		return true
	}
	buf := fhirEventPool.Get().(*fhirEvents)
	defer buf.release()
	evs := buf.take(n)
	host := httpin.HostOf(r.RemoteAddr)
	j := 0
	for i := range items {
		if a := items[i].access; a != nil {
			ev := evs[j]
			j++
			a.ToEvent(ev)
			ev.Source = fhirListener
			if ev.Host == "" {
				ev.Host = host
			}
		}
	}
	err := h.sink.Accept(r.Context(), evs)
	switch {
	case err == nil:
		return true
	case errors.Is(err, ingest.ErrOverloaded):
		w.Header().Set("Retry-After", h.retry)
		writeOutcome(w, http.StatusTooManyRequests, "throttled", fmt.Sprintf("overloaded: none of the %d AuditEvents was stored; send them again after %s seconds", len(evs), h.retry))
	default:
		h.log.Error("FHIR ingest: sink failed", "peer", r.RemoteAddr, "events", len(evs), "err", err)
		writeOutcome(w, http.StatusServiceUnavailable, "transient", fmt.Sprintf("AuditEvents not stored: %v; none of the %d was stored, send them again", err, len(evs)))
	}
	return false
}

// answerOne answers a single AuditEvent: 201 with its Location, or 400.
func (h *fhirHandler) answerOne(w http.ResponseWriter, it *fhirItem, id string) {
	if it.err != nil {
		writeFHIR(w, http.StatusBadRequest, it.outcome())
		return
	}
	w.Header().Set("Location", "AuditEvent/"+id)
	writeFHIR(w, http.StatusCreated, outcome("information", "informational", "stored as AuditEvent/"+id))
}

// answerBundle answers with a response Bundle, one entry per item.
func answerBundle(w http.ResponseWriter, respType string, items []fhirItem, ids []string) {
	b := bundleAnswer{ResourceType: "Bundle", Type: respType, Entry: make([]answerEntry, len(items))}
	for i := range items {
		if it := &items[i]; it.err != nil {
			b.Entry[i].Response = entryResponse{Status: "400 Bad Request", Outcome: it.outcome()}
		} else {
			b.Entry[i].Response = entryResponse{Status: "201 Created", Location: "AuditEvent/" + ids[i]}
		}
	}
	writeFHIR(w, http.StatusOK, b)
}

// assignIDs returns each valid item's id, generating one (26 random
// base32 characters, also stored as the event's fhir.id) for an AuditEvent that has none.
func assignIDs(items []fhirItem) []string {
	ids := make([]string, len(items))
	for i := range items {
		a := items[i].access
		if a == nil {
			continue
		}
		if a.ID == "" {
			a.ID = rand.Text()
		}
		ids[i] = a.ID
	}
	return ids
}

// contentKind checks the content type of a request to a route of kind
// (kindResource or kindBundle), and tells NDJSON from one resource.
func contentKind(ct string, kind int) (int, string) {
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return kind, fmt.Sprintf("content type %q: send application/fhir+json", ct)
	}
	switch mt {
	case "application/fhir+json", "application/json", "application/json+fhir":
		return kind, ""
	case "application/fhir+ndjson", "application/x-ndjson", "application/ndjson":
		if kind == kindResource {
			return kindNDJSON, ""
		}
	}
	return kind, fmt.Sprintf("content type %q not supported here: send application/fhir+json (or NDJSON of AuditEvents to /fhir/AuditEvent)", mt)
}
