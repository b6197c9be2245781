package serve

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestIncidentListLeavesOutMerged: GET /api/v1/incidents lists an attack
// once, under the incident the others were merged into, unless asked
// with ?merged=true; the limit counts what is listed; a merged incident
// is still read by its id. Over both stores.
func TestIncidentListLeavesOutMerged(t *testing.T) {
	stores := map[string]func(t *testing.T) alert.Store{
		"file": func(t *testing.T) alert.Store {
			st, err := alert.OpenFileStore(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
		"postgres": func(t *testing.T) alert.Store {
			return pgtest.Open(t, t.TempDir(), pgstore.Options{}).Alerts()
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := &Service{store: open(t), log: slog.New(slog.DiscardHandler)}
			seedMerged(t, s.store)
			tests := []struct {
				query string
				code  int
				want  []string
			}{
				{"", 200, []string{"live1", "live2"}},
				{"?limit=1", 200, []string{"live1"}},
				{"?merged=false", 200, []string{"live1", "live2"}},
				{"?merged=true", 200, []string{"gone", "live1", "live2"}},
				{"?merged=true&limit=2", 200, []string{"gone", "live1"}},
				{"?merged=yes", 400, nil},
			}
			for _, tc := range tests {
				w := httptest.NewRecorder()
				s.handleIncidents(w, httptest.NewRequest("GET", "/api/v1/incidents"+tc.query, nil))
				if w.Code != tc.code {
					t.Fatalf("%q: %d %s, want %d", tc.query, w.Code, w.Body, tc.code)
				}
				if tc.code != http.StatusOK {
					continue
				}
				var got struct{ Incidents []*alert.Incident }
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, inc := range got.Incidents {
					ids = append(ids, inc.ID)
				}
				if !slices.Equal(ids, tc.want) {
					t.Errorf("%q: %v, want %v", tc.query, ids, tc.want)
				}
			}
			w := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/api/v1/incidents/gone", nil)
			req.SetPathValue("id", "gone")
			s.handleIncident(w, req)
			var got IncidentDetail
			if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != http.StatusOK || err != nil || got.Incident.MergedInto != "live2" {
				t.Errorf("GET the merged incident by id: %d %s (%v); want it, merged into live2", w.Code, w.Body, err)
			}
		})
	}
}

// seedMerged commits two live incidents and, newest of all, one merged
// into the second.
func seedMerged(t *testing.T, st alert.Store) {
	t.Helper()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	inc := func(id string, ago time.Duration, into string) *alert.Incident {
		return &alert.Incident{ID: id, Title: "Incident " + id, Level: "high", Hosts: []string{"WS-" + id},
			AlertIDs: []string{id + "-a"}, FirstSeen: at.Add(-ago - time.Hour), LastSeen: at.Add(-ago),
			Status: alert.StatusOpen, MergedInto: into}
	}
	incs := []*alert.Incident{inc("gone", 0, "live2"), inc("live1", time.Minute, ""), inc("live2", 2*time.Minute, "")}
	if err := st.Commit(context.Background(), 1, nil, incs); err != nil {
		t.Fatal(err)
	}
}
