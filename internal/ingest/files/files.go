// Package files opens the inputs of a hunt: log files of any supported
// format, gzip-compressed or not, told apart by their content rather than
// their names, and the folders that hold them.
package files

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/ingest/syslog"
	"github.com/vigilhealth/vigil/internal/ingest/winjson"
)

// Stats counts what a Reader read and skipped.
type Stats struct {
	Records  int64   // events returned
	Skipped  int64   // malformed records, lines or EVTX chunks skipped
	Problems []error // the first problems met, each naming the file and where
}

// Reader reads the events of one input file.
type Reader interface {
	// Next resets ev and fills it with the next event; it returns io.EOF at
	// the end, and another error only when the file cannot be read on.
	// Malformed content is skipped and counted in Stats. ev.Source is the
	// path as given to Open.
	Next(ev *event.Event) error
	// Stats returns the counts so far.
	Stats() Stats
	// Close releases the file.
	Close() error
}

// format is an input format that Open recognises.
type format int

const (
	textFormat format = iota // syslog, CEF, LEEF, audit or plain text lines
	jsonFormat               // JSON events: NDJSON, arrays, pretty-printed objects
	evtxFormat               // Windows event log files
)

// maxGzipDepth bounds gzip inside gzip, which is legal but rarely meant.
const maxGzipDepth = 3

// sniffSize is how far Open looks for the first non-blank byte.
const sniffSize = 64 << 10

// Open opens the file at path and picks its reader by content: gzip data
// is decompressed and looked at again; "ElfFile\x00" starts an EVTX file; a
// first non-blank byte of '{' or '[' starts JSON; anything else is read as
// syslog or text lines, with BSD timestamps dated relative to the file's
// modification time. Errors name the file.
func Open(path string) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // an *fs.PathError names the file
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		err = fmt.Errorf("open %s: is a directory", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := open(f, path, fi.ModTime(), closers{f}, 0)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// closers are what a Reader closes, innermost first.
type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for i := len(cs) - 1; i >= 0; i-- {
		if err := cs[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func open(src io.Reader, path string, mod time.Time, cs closers, depth int) (Reader, error) {
	br := bufio.NewReaderSize(src, sniffSize)
	format, gz := sniff(br)
	if gz {
		if depth >= maxGzipDepth {
			return nil, fmt.Errorf("open %s: gzip nested more than %d deep", path, maxGzipDepth)
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("open %s: gzip header: %w", path, err)
		}
		return open(zr, path, mod, append(cs, zr), depth+1)
	}
	switch format {
	case evtxFormat:
		return openEVTX(br, path, cs)
	case jsonFormat:
		return &jsonReader{winjson.NewReader(br, path), cs}, nil
	}
	r := syslog.NewReader(br, path)
	r.SetReference(mod)
	return &textReader{r, cs}, nil
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	evtxMagic = []byte("ElfFile\x00")
	bom       = []byte("\xef\xbb\xbf")
)

// sniff looks at the start of br without consuming it.
func sniff(br *bufio.Reader) (f format, gz bool) {
	head, _ := br.Peek(len(evtxMagic))
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return textFormat, true
	case bytes.HasPrefix(head, evtxMagic):
		return evtxFormat, false
	}
	head, _ = br.Peek(sniffSize) // short at the end of input: what there is
	head = bytes.TrimPrefix(head, bom)
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 && (head[0] == '{' || head[0] == '[') {
		return jsonFormat, false
	}
	return textFormat, false
}

// jsonReader adapts winjson.Reader.
type jsonReader struct {
	*winjson.Reader
	closers
}

func (r *jsonReader) Stats() Stats {
	s := r.Reader.Stats()
	return Stats{Records: s.Records, Skipped: s.Skipped, Problems: s.Problems}
}

// textReader adapts syslog.Reader.
type textReader struct {
	*syslog.Reader
	closers
}

func (r *textReader) Stats() Stats {
	s := r.Reader.Stats()
	return Stats{Records: s.Records, Skipped: s.Skipped, Problems: s.Problems}
}
