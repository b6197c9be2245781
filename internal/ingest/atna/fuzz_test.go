package atna

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// FuzzATNA checks that no input makes FromSyslog, Parse, Access or ToEvent
// panic, that FromSyslog returns part of its input, and that accepted
// messages have an event id and a time.
func FuzzATNA(f *testing.F) {
	dir := sharedtest.Path(f, "health-examples", "atna")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(msg(okEvent, `<ParticipantObjectIdentification ParticipantObjectID="P&1"><SOPClass UID="1" NumberOfInstances="2"/></ParticipantObjectIdentification>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if payload, err := FromSyslog(data); err == nil {
			if len(payload) > len(data) {
				t.Fatal("payload longer than the line")
			}
			data = payload
		}
		m, err := Parse(data)
		if err != nil {
			return
		}
		if m.Event.ID.Code == "" || m.Event.DateTime.IsZero() {
			t.Fatalf("accepted a message without event id or time: %+v", m.Event)
		}
		var ev event.Event
		m.ToEvent(&ev)
	})
}
