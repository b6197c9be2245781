package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/pgstore"
	"github.com/vigilhealth/vigil/internal/pgstore/pgtest"
)

// TestFlowProfiles: a partition's holder saves its profile and the next
// reads it; a save overwrites; a node fenced by a later claim, or one
// that never claimed, cannot overwrite it; All lists every partition's.
func TestFlowProfiles(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t, t.TempDir(), pgstore.Options{})
	fp, alerts := db.FlowProfiles(), db.Alerts()
	if got, err := fp.Load(ctx, 3); err != nil || got != nil {
		t.Fatalf("load before any save: %q, %v; want nothing", got, err)
	}
	claim := func(p int, epoch uint64) {
		t.Helper()
		if _, _, err := alerts.ClaimPartition(ctx, p, epoch); err != nil {
			t.Fatalf("claim %d at %d: %v", p, epoch, err)
		}
	}
	claim(3, 1)
	claim(5, 1)
	steps := []struct {
		name    string
		claim   uint64 // claim partition 3 at this epoch first; 0: no claim
		epoch   uint64
		profile string
		fenced  bool   // the save must fail with alert.ErrFenced
		refused bool   // the save must fail (not claimed by epoch)
		want    string // partition 3's profile afterwards
	}{
		{name: "first save", epoch: 1, profile: "one", want: "one"},
		{name: "overwrite", epoch: 1, profile: "two", want: "two"},
		{name: "not yet claimed", epoch: 2, profile: "early", refused: true, want: "two"},
		{name: "new holder", claim: 2, epoch: 2, profile: "three", want: "three"},
		{name: "old holder fenced", epoch: 1, profile: "stale", fenced: true, want: "three"},
	}
	for _, st := range steps {
		if st.claim != 0 {
			claim(3, st.claim)
		}
		err := fp.Save(ctx, 3, st.epoch, []byte(st.profile))
		switch {
		case st.fenced && !errors.Is(err, alert.ErrFenced):
			t.Errorf("%s: save = %v, want fenced", st.name, err)
		case st.refused && (err == nil || errors.Is(err, alert.ErrFenced)):
			t.Errorf("%s: save = %v, want a refusal that is not fencing", st.name, err)
		case !st.fenced && !st.refused && err != nil:
			t.Errorf("%s: save: %v", st.name, err)
		}
		if got, err := fp.Load(ctx, 3); err != nil || string(got) != st.want {
			t.Errorf("%s: load = %q, %v; want %q", st.name, got, err, st.want)
		}
	}
	if err := fp.Save(ctx, 7, 1, []byte("x")); err == nil {
		t.Errorf("save of a partition never claimed succeeded")
	}
	if err := fp.Save(ctx, 5, 1, []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	all, err := fp.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Partition != 3 || all[0].Epoch != 2 || string(all[0].Profile) != "three" ||
		all[1].Partition != 5 || !bytes.Equal(all[1].Profile, []byte{0, 1, 2}) || all[1].SavedAt.IsZero() {
		t.Errorf("all profiles: %+v, want partition 3 (epoch 2, three) and 5 with its save time", all)
	}
}
