package audit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ChainError names the first bad entry Verify found.
type ChainError struct {
	File   string // the file's name in the folder
	Line   int    // 1-based line in File
	Seq    uint64 // the entry's seq; where unreadable, the seq expected there
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit log %s line %d: entry %d: %s", e.File, e.Line, e.Seq, e.Reason)
}

// Verify checks the unkeyed chain in dir (see VerifyKeyed).
func Verify(dir string) (checked int, err error) { return VerifyKeyed(dir, nil) }

// VerifyKeyed reads every file of the log in dir in order and checks each
// entry: its line is canonical JSON, its hash (HMAC-SHA256 with key, or
// SHA-256 when key is nil) matches, its seq follows the previous one and
// its prev is the previous entry's hash. It returns the number of entries
// checked, and a *ChainError naming the first bad one. Bytes after the
// last newline of the newest file are an append in progress (or a torn
// write that the next Open drops) and are not checked.
func VerifyKeyed(dir string, key []byte) (checked int, err error) {
	names, err := files(dir)
	if err != nil {
		return 0, err
	}
	v := verifier{seal: sealer{key: key}}
	for i, name := range names {
		if err := v.file(filepath.Join(dir, name), name, i == len(names)-1); err != nil {
			return v.checked, err
		}
	}
	return v.checked, nil
}

// verifier carries the chain from one entry, and one file, to the next.
type verifier struct {
	seal    sealer
	checked int
	seq     uint64 // of the last good entry; 0 before the first
	prev    string // its hash
}

func (v *verifier) file(path, name string, newest bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	return v.read(bufio.NewReader(f), name, newest)
}

// read checks the entries of one file.
func (v *verifier) read(r *bufio.Reader, name string, newest bool) error {
	for line := 1; ; line++ {
		text, err := r.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) && len(text) <= MaxLineBytes {
			var more []byte
			more, err = r.ReadSlice('\n')
			text = append(bytes.Clone(text), more...)
		}
		switch {
		case len(text) > MaxLineBytes:
			return v.fail(name, line, fmt.Sprintf("unparsable line: longer than %d bytes", MaxLineBytes))
		case errors.Is(err, io.EOF):
			if len(text) > 0 && !newest {
				return v.fail(name, line, "unparsable line: no newline at its end, in a file that is not the newest")
			}
			return nil
		case err != nil:
			return fmt.Errorf("audit: read %s: %w", name, err)
		}
		if err := v.entry(text[:len(text)-1], name, line); err != nil {
			return err
		}
	}
}

// entry checks one line against the chain so far.
func (v *verifier) entry(text []byte, name string, line int) error {
	e, err := decodeLine(text)
	if err != nil {
		return v.fail(name, line, err.Error())
	}
	if err := v.seal.check(e, text); err != nil {
		return &ChainError{File: name, Line: line, Seq: e.Seq, Reason: err.Error()}
	}
	if e.Seq != v.seq+1 {
		reason := fmt.Sprintf("out of sequence: entry %d follows entry %d", e.Seq, v.seq)
		if v.seq == 0 {
			reason = fmt.Sprintf("the chain starts at entry %d, not 1: earlier entries are missing", e.Seq)
		}
		return &ChainError{File: name, Line: line, Seq: e.Seq, Reason: reason}
	}
	if e.Prev != v.prev {
		return &ChainError{File: name, Line: line, Seq: e.Seq,
			Reason: fmt.Sprintf("broken link: prev is not the hash of entry %d", v.seq)}
	}
	if line == 1 && name != fileName(e.Seq) {
		return &ChainError{File: name, Line: line, Seq: e.Seq, Reason: "the file's name does not match its first entry"}
	}
	v.seq, v.prev = e.Seq, e.Hash
	v.checked++
	return nil
}

// fail reports an unreadable line at the position of the entry expected.
func (v *verifier) fail(name string, line int, reason string) error {
	return &ChainError{File: name, Line: line, Seq: v.seq + 1, Reason: reason}
}
