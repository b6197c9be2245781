package audit

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func textLogger(w *bytes.Buffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// TestVerifyNamesTheFirstBadEntry changes a log of five entries in one
// way each and checks that Verify names the entry and the fault.
func TestVerifyNamesTheFirstBadEntry(t *testing.T) {
	cases := []struct {
		name    string
		change  func(lines [][]byte) [][]byte
		seq     uint64
		line    int
		reason  string
		checked int
	}{
		{"field value", func(ls [][]byte) [][]byte {
			ls[2] = bytes.Replace(ls[2], []byte(`"who":"alice"`), []byte(`"who":"alicf"`), 1)
			return ls
		}, 3, 3, "hash mismatch", 2},
		{"outcome", func(ls [][]byte) [][]byte {
			ls[1] = bytes.Replace(ls[1], []byte("granted"), []byte("denied!"), 1)
			return ls
		}, 2, 2, "hash mismatch", 1},
		{"hash digit", func(ls [][]byte) [][]byte {
			i := bytes.LastIndex(ls[3], []byte(`"hash":"`)) + len(`"hash":"`)
			ls[3][i] = flipHex(ls[3][i])
			return ls
		}, 4, 4, "hash mismatch", 3},
		{"prev digit", func(ls [][]byte) [][]byte {
			i := bytes.Index(ls[4], []byte(`"prev":"`)) + len(`"prev":"`)
			ls[4][i] = flipHex(ls[4][i])
			return ls
		}, 5, 5, "hash mismatch", 4},
		{"deleted line", func(ls [][]byte) [][]byte { return append(ls[:2:2], ls[3:]...) },
			4, 3, "out of sequence: entry 4 follows entry 2", 2},
		{"reordered pair", func(ls [][]byte) [][]byte {
			ls[1], ls[2] = ls[2], ls[1]
			return ls
		}, 3, 2, "out of sequence", 1},
		{"first line deleted", func(ls [][]byte) [][]byte { return ls[1:] },
			2, 1, "earlier entries are missing", 0},
		{"unparsable line", func(ls [][]byte) [][]byte {
			ls[1] = []byte("{\"seq\":2,")
			return ls
		}, 2, 2, "unparsable line", 1},
		{"extra field", func(ls [][]byte) [][]byte {
			ls[0] = bytes.Replace(ls[0], []byte(`{"seq"`), []byte(`{"x":1,"seq"`), 1)
			return ls
		}, 1, 1, "unparsable line", 0},
		{"white space", func(ls [][]byte) [][]byte {
			ls[0] = bytes.Replace(ls[0], []byte(`"who":`), []byte(`"who": `), 1)
			return ls
		}, 1, 1, "canonical", 0},
		{"recomputed hash, old link", func(ls [][]byte) [][]byte {
			ls[1] = reseal(t, ls[1], func(e *Entry) { e.Outcome = "denied" })
			return ls
		}, 3, 3, "broken link: prev is not the hash of entry 2", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			appendN(t, openLog(t, dir, Options{}), 5)
			mustVerify(t, dir, nil, 5)
			path := filepath.Join(dir, fileName(1))
			data, _ := os.ReadFile(path)
			lines := bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
			for i := range lines {
				lines[i] = bytes.TrimSuffix(lines[i], []byte("\n"))
			}
			changed := append(bytes.Join(c.change(lines), []byte("\n")), '\n')
			if err := os.WriteFile(path, changed, 0o600); err != nil {
				t.Fatal(err)
			}
			n, err := Verify(dir)
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("verify after %s: %d, %v; want a ChainError", c.name, n, err)
			}
			if ce.Seq != c.seq || ce.Line != c.line || !strings.Contains(ce.Reason, c.reason) || n != c.checked {
				t.Errorf("got %v (%d checked); want entry %d line %d: %q (%d checked)", err, n, c.seq, c.line, c.reason, c.checked)
			}
		})
	}
}

// TestVerifyCatchesEveryByteChange flips each byte of a small log in turn.
func TestVerifyCatchesEveryByteChange(t *testing.T) {
	dir := t.TempDir()
	appendN(t, openLog(t, dir, Options{}), 3)
	path := filepath.Join(dir, fileName(1))
	orig, _ := os.ReadFile(path)
	for i := range orig {
		if orig[i] == '\n' && i == len(orig)-1 {
			continue // the last newline gone leaves a torn tail, which Verify leaves to Open
		}
		data := bytes.Clone(orig)
		data[i] ^= 0x01
		os.WriteFile(path, data, 0o600)
		if n, err := Verify(dir); err == nil {
			t.Fatalf("byte %d (%q) changed: verify passed with %d entries", i, orig[i], n)
		}
	}
}

func flipHex(b byte) byte {
	if b == '0' {
		return '1'
	}
	return '0'
}

// reseal decodes line, changes it and seals it again with the same prev,
// as an attacker who edits one entry and recomputes its hash would.
func reseal(t *testing.T, line []byte, change func(*Entry)) []byte {
	t.Helper()
	e, err := decodeLine(line)
	if err != nil {
		t.Fatal(err)
	}
	change(&e)
	out, err := sealer{}.encode(&e)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(out, []byte("\n"))
}
