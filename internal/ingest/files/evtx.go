package files

import (
	"io"

	"github.com/vigilhealth/vigil/internal/evtx"
)

// evtxReader adapts evtx.Reader. Skipped counts both dropped records and
// dropped chunks: a chunk holds many records, but its count is not known
// once it is broken.
type evtxReader struct {
	*evtx.Reader
	closers
}

func openEVTX(r io.Reader, path string, cs closers) (Reader, error) {
	er, err := evtx.NewReader(r, path)
	if err != nil {
		return nil, err // an *evtx.Error names the file and offset
	}
	return &evtxReader{er, cs}, nil
}

func (r *evtxReader) Stats() Stats {
	s := r.Reader.Stats()
	return Stats{Records: s.Records, Skipped: s.SkippedRecords + s.SkippedChunks, Problems: s.Problems}
}
