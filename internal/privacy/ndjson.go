package privacy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/vigilhealth/vigil/internal/ingest/fhir"
)

// Reading AuditEvent NDJSON is the slow step of an audit (JSON decoding
// costs far more per access than the analysis), so the Loader parses on
// every CPU: one goroutine splits the input into batches of lines, the
// workers parse them, and the caller adds the results to the Auditor in
// input order (so that errors name their lines in order and a run is the
// same every time). The queues between the stages are bounded.

const ndjsonBatch = 512 // lines per batch

// lineBatch is a run of input lines and, once parsed, their results.
type lineBatch struct {
	first int      // line number of lines[0]
	data  []byte   // the lines' bytes, owned by the batch
	ends  []int    // end offset of each line in data
	long  []bool   // the line was longer than fhir.MaxLineSize (and cut)
	out   []parsed // one per line, filled by a worker
	done  chan struct{}
}

type parsed struct {
	ac  *fhir.Access
	err error
}

func (l *Loader) ndjson(file string, r io.Reader) error {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *lineBatch, 2*workers)
	ordered := make(chan *lineBatch, 4*workers)
	g := new(errgroup.Group)
	g.Go(func() error {
		defer close(work)
		defer close(ordered)
		return splitLines(r, file, func(b *lineBatch) {
			ordered <- b
			work <- b
		})
	})
	for w := 0; w < workers; w++ {
		g.Go(func() error {
			for b := range work {
				b.parse()
			}
			return nil
		})
	}
	for b := range ordered {
		<-b.done
		l.addParsed(file, b)
	}
	return g.Wait()
}

// parse parses every line of the batch.
func (b *lineBatch) parse() {
	b.out = make([]parsed, len(b.ends))
	start := 0
	for i, end := range b.ends {
		line := b.data[start:end]
		start = end
		switch {
		case b.long[i]:
			b.out[i].err = &fhir.Error{Msg: fmt.Sprintf("line is longer than %d bytes", fhir.MaxLineSize)}
		case len(bytes.TrimSpace(line)) > 0:
			b.out[i].ac, b.out[i].err = fhir.ParseAuditEvent(line)
		}
	}
	close(b.done)
}

// addParsed adds a parsed batch to the Auditor, reporting bad lines.
func (l *Loader) addParsed(file string, b *lineBatch) {
	for i, p := range b.out {
		var fe *fhir.Error
		switch {
		case errors.As(p.err, &fe):
			l.bad("access", &InputError{Kind: "access", File: file, Line: b.first + i, Field: fe.Path, Msg: fe.Msg + errSuffix(fe.Err)})
		case p.err != nil:
			l.bad("access", &InputError{Kind: "access", File: file, Line: b.first + i, Msg: p.err.Error()})
		case p.ac != nil:
			l.A.AddAccess(&p.ac.Access)
		}
	}
}

// splitLines reads r and hands each batch of lines to emit. The first
// line's byte-order mark is dropped; a line longer than
// fhir.MaxLineSize is cut and marked.
func splitLines(r io.Reader, file string, emit func(*lineBatch)) error {
	br := bufio.NewReaderSize(r, 256<<10)
	line := 0
	newBatch := func() *lineBatch { return &lineBatch{first: line + 1, done: make(chan struct{})} }
	b := newBatch()
	for {
		start, long := len(b.data), false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if len(b.data)-start+len(chunk) <= fhir.MaxLineSize {
				b.data = append(b.data, chunk...)
			} else {
				long = true
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read %s after line %d: %w", file, line, err)
		}
		if len(b.data) > start || long {
			line++
			if line == 1 {
				b.data = append(b.data[:start], bytes.TrimPrefix(b.data[start:], []byte("\xef\xbb\xbf"))...)
			}
			b.ends, b.long = append(b.ends, len(b.data)), append(b.long, long)
		}
		if len(b.ends) == ndjsonBatch || (err != nil && len(b.ends) > 0) {
			emit(b)
			b = newBatch()
		}
		if err != nil {
			return nil
		}
	}
}
