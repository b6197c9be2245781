package privacy

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigilhealth/vigil/internal/ingest/access"
)

// ReadVIP reads a watch list: one NHS number per line (spaces and hyphens
// allowed), blank lines and text after # ignored. A line that is not a
// valid NHS number gives an *InputError and is skipped.
func ReadVIP(r io.Reader, name string) ([]string, []error, error) {
	sc := bufio.NewScanner(r)
	var out []string
	var errs []error
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
		if text == "" {
			continue
		}
		n := access.NormaliseNHSNumber(text)
		if !access.ValidNHSNumber(n) {
			errs = append(errs, &InputError{Kind: "vip", File: name, Line: line, Msg: fmt.Sprintf("%q is not a valid NHS number", text)})
			continue
		}
		out = append(out, n)
	}
	if err := sc.Err(); err != nil {
		return out, errs, fmt.Errorf("watch list %s: %w", name, err)
	}
	return out, errs, nil
}
