package serve

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/correlate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// CorrelationConfig sets how often the correlation windows are saved (to
// correlate.state in the data folder), so that a correlation whose events
// straddle a restart still fires.
type CorrelationConfig struct {
	SnapshotEvery time.Duration `yaml:"snapshot_every"`
}

// DefaultSnapshotEvery is how often the correlation state is saved at most.
const DefaultSnapshotEvery = 30 * time.Second

// corrStateFile is the saved correlation state's file in the data folder.
const corrStateFile = "correlate.state"

func (c *CorrelationConfig) validate() error {
	if c.SnapshotEvery <= 0 {
		return fmt.Errorf("config key correlation.snapshot_every: %v is not a positive duration", c.SnapshotEvery)
	}
	return nil
}

// corrSnapshots saves the correlation engine's state with the log position
// it covers, and says which records to replay at start.
//
// A snapshot is written only right after a commit, at the committed
// position P, when the engine has been fed exactly the records up to P: so
// every alert its records raised is in the store. At start the state at S
// is restored and records S+1 to the store's position C are replayed
// through the matcher and the engine only, their results discarded (their
// alerts are committed); detection then goes on from C+1.
type corrSnapshots struct {
	path     string
	every    time.Duration
	last     time.Time // when the last snapshot was written; zero: none since start
	fed      uint64    // the last record fed to the engine
	replayTo uint64    // records up to here only rebuild the engine's state

	pos     atomic.Uint64 // the position of the snapshot on disk
	windows atomic.Int64  // open windows, for metrics
}

// readFrom is the first record the detector reads: the first one the
// engine has not seen.
func (cs *corrSnapshots) readFrom() uint64 { return cs.fed + 1 }

// openCorrState restores the saved state into corr and prepares the replay
// up to the committed position pos. It never fails: a state it cannot use
// is logged, and the engine starts empty.
func (s *Service) openCorrState(corr *correlate.Engine, pos uint64) *corrSnapshots {
	cs := &corrSnapshots{path: filepath.Join(s.cfg.Data, corrStateFile), every: s.cfg.Correlation.SnapshotEvery, fed: pos, replayTo: pos}
	at, err := s.restoreCorr(corr, cs.path, pos)
	switch {
	case errors.Is(err, fs.ErrNotExist) && s.wal.Stats().First <= 1:
		cs.fed = 0 // no snapshot yet, but the whole log is there: rebuild from it
	case errors.Is(err, fs.ErrNotExist):
		s.log.Warn("correlation state: no snapshot and the log's start is gone; correlations start empty",
			"file", cs.path, "first", s.wal.Stats().First)
	case err != nil:
		s.log.Warn("correlation state: snapshot unusable; correlations start empty", "file", cs.path, "err", err)
	default:
		cs.fed = at
		cs.pos.Store(at)
	}
	cs.windows.Store(int64(corr.Stats().Windows))
	if cs.fed < pos {
		s.log.Info("correlation state: replaying the log to rebuild the windows", "from", cs.fed+1, "to", pos)
	}
	return cs
}

// restoreCorr reads the snapshot at path into corr and returns the position
// it covers, which must be one the log still holds after and the store has
// committed.
func (s *Service) restoreCorr(corr *correlate.Engine, path string, committed uint64) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	at, state, err := decodeSnapshot(data)
	if err != nil {
		return 0, err
	}
	if at > committed {
		return 0, fmt.Errorf("snapshot covers record %d but the alert store has committed only %d", at, committed)
	}
	if first := s.wal.Stats().First; at+1 < first {
		return 0, fmt.Errorf("snapshot covers record %d but the log now starts at %d: records to replay are gone", at, first)
	}
	dropped, err := corr.UnmarshalState(state)
	if err != nil {
		return 0, err
	}
	for _, d := range dropped {
		s.log.Warn("correlation state: dropped a correlation's windows", "correlation", d)
	}
	s.log.Info("correlation state restored", "file", path, "position", at, "windows", corr.Stats().Windows)
	return at, nil
}

// The snapshot file: the position (8 bytes, little-endian), its CRC-32C
// (4 bytes), then the engine's state, which carries its own checksum.
const snapshotHeader = 12

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func encodeSnapshot(pos uint64, state []byte) []byte {
	b := make([]byte, snapshotHeader, snapshotHeader+len(state))
	binary.LittleEndian.PutUint64(b, pos)
	binary.LittleEndian.PutUint32(b[8:], crc32.Checksum(b[:8], castagnoli))
	return append(b, state...)
}

func decodeSnapshot(b []byte) (pos uint64, state []byte, err error) {
	if len(b) < snapshotHeader {
		return 0, nil, fmt.Errorf("byte offset 0: %d bytes is shorter than the %d-byte header", len(b), snapshotHeader)
	}
	if got, want := binary.LittleEndian.Uint32(b[8:]), crc32.Checksum(b[:8], castagnoli); got != want {
		return 0, nil, fmt.Errorf("byte offset 8: position checksum %08x does not match %08x", got, want)
	}
	return binary.LittleEndian.Uint64(b), b[snapshotHeader:], nil
}

// replay feeds a matched record whose alerts are already committed to the
// correlation engine only, to rebuild the engine's windows.
func (d *detector) replay(seq uint64, ev *event.Event, bad error, matched []*sigma.Rule) {
	d.snap.fed = seq
	if bad == nil && len(matched) > 0 { // a bad record was skipped, and logged, when first processed
		d.corr.ObserveAll(ev, matched)
	}
}

// snapshot saves the engine's state at the committed position when it has
// been fed exactly the records up to there and it changed since the last
// snapshot; unless force is set, at most every snapshot_every. A snapshot
// that cannot be written is logged: the previous one still stands.
func (d *detector) snapshot(force bool) {
	cs := d.snap
	pos := d.processed.Load()
	cs.windows.Store(int64(d.corr.Stats().Windows))
	if cs.fed != pos || pos <= cs.pos.Load() || (!force && time.Since(cs.last) < cs.every) {
		return
	}
	cs.last = time.Now()
	state, err := d.corr.MarshalState()
	if err == nil {
		err = atomicfile.Write(cs.path, encodeSnapshot(pos, state), 0o600)
	}
	if err != nil {
		d.log.Warn("correlation state: snapshot not saved", "file", cs.path, "position", pos, "err", err)
		return
	}
	cs.pos.Store(pos)
	d.log.Debug("correlation state saved", "position", pos, "bytes", len(state), "took", time.Since(cs.last))
}

// corrMetrics writes the correlation state's gauges.
func (s *Service) corrMetrics(m metricWriter) {
	m.one("vigil_correlation_snapshot_position", "gauge", "Last log record covered by the saved correlation state.", float64(s.det.snap.pos.Load()))
	m.one("vigil_correlation_open_windows", "gauge", "Correlation windows open (as of the last commit).", float64(s.det.snap.windows.Load()))
}
