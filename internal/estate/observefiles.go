package estate

import (
	"errors"
	"io"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/files"
)

// ObserveFiles feeds inv every event of the files under paths (EVTX, JSON,
// syslog, gzip of them, as the hunt reads them). A file that cannot be
// opened, or read on, is passed to skipped and passed over, as the hunt
// does; only a path that does not exist stops the walk.
func ObserveFiles(paths []string, inv *Inventory, skipped func(path string, err error)) error {
	return files.Walk(paths, func(path string, _ int64) error {
		r, err := files.Open(path)
		if err != nil {
			skipped(path, err)
			return nil
		}
		defer r.Close()
		var ev event.Event
		for {
			err := r.Next(&ev)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				skipped(path, err)
				return nil
			}
			inv.Observe(&ev)
		}
	})
}
