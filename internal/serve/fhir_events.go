package serve

import (
	"sync"

	"github.com/vigilhealth/vigil/internal/event"
)

// fhirEvents is the events of one FHIR request. ingest.Sink's Accept keeps
// neither the slice nor the events once it returns, so both are reused
// from request to request (fhirEventPool): an event keeps its field
// storage and field table, where a new event per AuditEvent allocated both
// each time.
type fhirEvents struct {
	evs  []event.Event
	ptrs []*event.Event
}

// fhirEventPool holds *fhirEvents between requests.
var fhirEventPool = sync.Pool{New: func() any { return new(fhirEvents) }}

// take returns n reset events to fill, as the slice the sink takes.
func (b *fhirEvents) take(n int) []*event.Event {
	if len(b.evs) < n {
		// Keep the events already grown; the new ones start empty.
		b.evs = append(b.evs, make([]event.Event, n-len(b.evs))...)
	}
	b.ptrs = b.ptrs[:0]
	for i := range n {
		b.evs[i].Reset()
		b.ptrs = append(b.ptrs, &b.evs[i])
	}
	return b.ptrs
}

// release resets the events used, so that the pool keeps no reference to
// the request's records, and puts b back.
func (b *fhirEvents) release() {
	for _, ev := range b.ptrs {
		ev.Reset()
	}
	clear(b.ptrs)
	b.ptrs = b.ptrs[:0]
	fhirEventPool.Put(b)
}
