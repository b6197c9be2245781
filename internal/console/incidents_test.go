package console

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/auth"
)

// TestIncidentsListMerged: an incident merged into another is left out of
// the queue and its counts unless asked for; listed, it says which
// incident it joined; its own page still opens and says so.
func TestIncidentsListMerged(t *testing.T) {
	f := newFixture(t)
	f.seed(t)
	seen := testNow.Add(-time.Hour)
	gone := &alert.Incident{ID: "i2", Title: "Mimikatz on WS-WARD7-02", Level: "high", Hosts: []string{"WS-WARD7-02"},
		AlertIDs: []string{"a2"}, FirstSeen: seen, LastSeen: seen, Status: alert.StatusOpen, MergedInto: "i1"}
	if err := f.store.Commit(context.Background(), 2, nil, []*alert.Incident{gone}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, route string
		role        auth.Role
		code        int
		want, lacks []string
	}{
		{"default leaves it out", "/incidents", auth.RoleAnalyst, 200,
			[]string{`<a href="/incidents/i1">`, `<span class="figure">1</span> open`, `href="/incidents?status=open&merged=true">Show them too`},
			[]string{"/incidents/i2", "WS-WARD7-02"}},
		{"merged=true lists it, marked", "/incidents?status=all&merged=true", auth.RoleAnalyst, 200,
			[]string{`<a href="/incidents/i2">Mimikatz on WS-WARD7-02</a>`, `merged into <a href="/incidents/i1">incident i1</a>`,
				`<span class="figure">1</span> open`, `href="/incidents?status=closed&merged=true"`, `>Leave them out`},
			nil},
		{"the board sees it merged, without the link", "/incidents?merged=true", auth.RoleBoard, 200,
			[]string{"merged into another incident"}, []string{"/incidents/i1", "WS-WARD7-02"}},
		{"a bad merged value", "/incidents?merged=maybe", auth.RoleAnalyst, 400,
			[]string{"The merged filter can only be true or false."}, nil},
		{"its page opens and says where it went", "/incidents/i2", auth.RoleAnalyst, 200,
			[]string{`This incident was merged into <a href="/incidents/i1">incident i1</a>`}, nil},
	}
	for _, tc := range tests {
		w := f.get(t, as(tc.role), tc.route)
		if w.Code != tc.code {
			t.Fatalf("%s: %d, want %d", tc.name, w.Code, tc.code)
		}
		contains(t, tc.name, w.Body.String(), tc.want...)
		lacks(t, tc.name, w.Body.String(), tc.lacks...)
	}
	if w := f.get(t, as(auth.RoleAnalyst), "/"); w.Code != http.StatusOK {
		t.Fatalf("overview: %d", w.Code)
	} else {
		lacks(t, "overview", w.Body.String(), "/incidents/i2")
	}
}
