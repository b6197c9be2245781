package serve

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/vigilhealth/vigil/internal/ingest/fhir"
)

// fhirItem is one resource of a request: where it was, its bytes (for the
// quarantine), and its parsed record or why it was refused.
type fhirItem struct {
	base   string // FHIRPath of the resource: "AuditEvent", "Bundle.entry[3].resource"
	where  string // "line 4" for NDJSON, else ""
	raw    []byte
	access *fhir.Access
	err    error
}

// outcome is the OperationOutcome of a refused item.
func (it *fhirItem) outcome() *operationOutcome {
	oo := refusedOutcome(it.base, it.err)
	if it.where != "" {
		oo.Issue[0].Diagnostics = it.where + ": " + oo.Issue[0].Diagnostics
	}
	return oo
}

// reason is why the item was refused, for the quarantine.
func (it *fhirItem) reason() error {
	return fmt.Errorf("%s", it.outcome().Issue[0].Diagnostics)
}

func parseItem(base, where string, raw []byte) fhirItem {
	a, err := fhir.ParseAuditEvent(raw)
	return fhirItem{base: base, where: where, raw: raw, access: a, err: err}
}

// bundleIn is the part of a posted Bundle that this server reads.
type bundleIn struct {
	ResourceType string          `json:"resourceType"`
	Type         json.RawMessage `json:"type"` // raw: an AuditEvent's type is an object
	Entry        []struct {
		Resource json.RawMessage `json:"resource"`
	} `json:"entry"`
}

// bundleError is a Bundle refused as a whole: the status, the issue code
// and the text, with the element at fault.
type bundleError struct {
	status           int
	code, diag, expr string
}

// parseBundleBody reads a Bundle of type batch, transaction or collection
// into one item per entry, and returns the response Bundle's type. At most
// maxEntries entries are taken.
func parseBundleBody(body []byte, maxEntries int) ([]fhirItem, string, *bundleError) {
	var b bundleIn
	if err := json.Unmarshal(bytes.TrimPrefix(body, []byte("\ufeff")), &b); err != nil {
		return nil, "", &bundleError{400, "structure", "Bundle: not a JSON object of the Bundle's shape: " + err.Error(), "Bundle"}
	}
	if b.ResourceType != "Bundle" {
		return nil, "", &bundleError{400, "invalid", fmt.Sprintf("resourceType is %q: POST a Bundle here, or one AuditEvent to /fhir/AuditEvent", b.ResourceType), "Bundle.resourceType"}
	}
	var typ string
	if err := json.Unmarshal(b.Type, &typ); err != nil && len(b.Type) > 0 {
		return nil, "", &bundleError{400, "structure", "Bundle.type is not a string", "Bundle.type"}
	}
	respType := "batch-response"
	switch typ {
	case "transaction":
		respType = "transaction-response"
	case "batch", "collection":
	default:
		return nil, "", &bundleError{400, "invalid", fmt.Sprintf("Bundle.type %q is not batch, transaction or collection", typ), "Bundle.type"}
	}
	if len(b.Entry) > maxEntries {
		return nil, "", &bundleError{413, "too-costly", fmt.Sprintf("%d entries is more than %d in one Bundle; split it", len(b.Entry), maxEntries), "Bundle.entry"}
	}
	items := make([]fhirItem, len(b.Entry))
	for i, e := range b.Entry {
		base := fmt.Sprintf("Bundle.entry[%d].resource", i)
		if len(e.Resource) == 0 || bytes.Equal(e.Resource, []byte("null")) {
			items[i] = fhirItem{base: base, err: &fhir.Error{Msg: "is missing"}}
			continue
		}
		items[i] = parseItem(base, "", e.Resource)
	}
	return items, respType, nil
}

// parseNDJSON reads one AuditEvent per non-blank line.
func parseNDJSON(body []byte, maxEntries int) ([]fhirItem, *bundleError) {
	var items []fhirItem
	n := 0
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		n++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(items) == maxEntries {
			return nil, &bundleError{413, "too-costly", fmt.Sprintf("more than %d AuditEvents in one request (at line %d); split it", maxEntries, n), "AuditEvent"}
		}
		items = append(items, parseItem("AuditEvent", fmt.Sprintf("line %d", n), line))
	}
	return items, nil
}
