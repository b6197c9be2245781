package alert_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
)

// FuzzOpenFileStore opens a store whose log holds arbitrary bytes: Open
// must refuse it or recover, never panic or allocate what the bytes claim,
// and a store it opens must take a commit and read it back after reopening.
// It runs without fsync, which only a crash would tell from with.
func FuzzOpenFileStore(f *testing.F) {
	defer alert.SetSync(false)()
	dir := f.TempDir()
	s, err := alert.OpenFileStore(dir)
	if err != nil {
		f.Fatal(err)
	}
	if err := s.Commit(context.Background(), 3, []*alert.Alert{sample("a", 1)}, nil); err != nil {
		f.Fatal(err)
	}
	s.Close()
	good, err := os.ReadFile(filepath.Join(dir, "alerts.log"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add(append(append([]byte(nil), good...), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, log []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "alerts.log"), log, 0o640); err != nil {
			t.Fatal(err)
		}
		s, err := alert.OpenFileStore(dir)
		if err != nil {
			return // refused: corruption is reported, not guessed at
		}
		ctx := context.Background()
		pos, _ := s.Position(ctx)
		if err := s.Commit(ctx, pos+1, []*alert.Alert{sample("fuzz", 7)}, nil); err != nil {
			t.Fatalf("commit on a recovered store: %v", err)
		}
		s.Close()
		s, err = alert.OpenFileStore(dir)
		if err != nil {
			t.Fatalf("reopening after a commit on a recovered store: %v", err)
		}
		defer s.Close()
		if p, _ := s.Position(ctx); p != pos+1 {
			t.Fatalf("position %d after reopening, want %d", p, pos+1)
		}
		if got, _ := s.Alerts(ctx, alert.Query{RuleID: "r1", Limit: 1 << 20}); !hasAlert(got, "fuzz", 7) {
			t.Fatal("the commit on the recovered store is lost")
		}
	})
}

func hasAlert(as []*alert.Alert, id string, count int) bool {
	for _, a := range as {
		if a.ID == id && a.Count == count {
			return true
		}
	}
	return false
}
