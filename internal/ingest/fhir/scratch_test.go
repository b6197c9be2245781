package fhir

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// bigAuditEvent is an AuditEvent with n agents, entities and codings of
// each kind, so that every slab fills up and moves the array it is
// building, some values escaped so that the unescape buffer fills too.
func bigAuditEvent(n int) []byte {
	var b strings.Builder
	coding := func(i int) string {
		return fmt.Sprintf(`{"system":"http://example.org/cs/%d","code":"c\u00e9%d","display":"Display %d"}`, i%7, i, i)
	}
	codings := func(m int) string {
		parts := make([]string, m)
		for i := range parts {
			parts[i] = coding(i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	b.WriteString(`{"resourceType":"AuditEvent","id":"big","recorded":"2026-05-05T09:00:00Z","action":"R",`)
	b.WriteString(`"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest","coding":` + codings(n) + `},`)
	b.WriteString(`"subtype":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"coding":` + codings(3) + `}`)
	}
	b.WriteString(`],"purposeOfEvent":[{"coding":` + codings(n) + `}],"meta":{"security":` + codings(n) + `},"agent":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":{"coding":%s},"role":[{"coding":%s},{"text":"r\"%d"}],"who":{"identifier":{"system":"https://vigil.example/staff","value":"U%d"},"display":"User \"%d\""},"requestor":%t,"network":{"address":"10.0.0.%d","type":"2"},"purposeOfUse":[{"coding":%s}]}`,
			codings(2), codings(3), i, i, i, i == n-1, i, codings(2))
	}
	b.WriteString(`],"source":{"site":"Site","observer":{"display":"obs"},"type":[{"coding":` + codings(n) + `}]},"entity":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"what":{"reference":"Patient/P%d","identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"943 476 %04d"}},"role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1"},"securityLabel":[{"coding":%s}]}`,
			i, 5919+i, codings(2))
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// TestScannerLargeArrays: arrays longer than the slabs' first chunks are
// moved while they are built; the record is still encoding/json's. Each
// size starts from a new scanner, so that its slabs start small, and the
// same scanner then reads a small event and the large one again.
func TestScannerLargeArrays(t *testing.T) {
	small := []byte(withExtra(`,"id":"small"`))
	for _, n := range []int{1, 2, 3, 15, 16, 17, 40, 100} {
		in := bigAuditEvent(n)
		s := &scanner{own: newOwner()}
		for _, data := range [][]byte{in, small, in} {
			got, err := s.parse(data)
			want, werr := parseAuditEventJSON(data)
			if err != nil || werr != nil {
				t.Fatalf("n=%d: errors %v and %v", n, err, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("n=%d: records differ:\nscanner %+v\njson    %+v", n, got, want)
			}
		}
		if _, ok := s.decodeResource(in); !ok {
			t.Fatalf("n=%d: the scanner gave up", n)
		}
		s.reset()
	}
}

// TestParseConcurrently: parsers running at once share no scratch (run
// with -race), and each gets encoding/json's record.
func TestParseConcurrently(t *testing.T) {
	inputs := append(trustLines(t, 100), bigAuditEvent(20), bigAuditEvent(3))
	want := make([]*Access, len(inputs))
	for i, in := range inputs {
		a, err := parseAuditEventJSON(in)
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		want[i] = a
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for k := range 3 * len(inputs) {
				i := (k + 7*g) % len(inputs)
				got, err := ParseAuditEvent(bytes.Clone(inputs[i]))
				if err != nil || !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, input %d: %v", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
