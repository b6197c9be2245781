package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// ParseAuditEvent parses one AuditEvent resource (R4 or R5 JSON). A
// resource of another type is refused. Errors are *Error and name the JSON
// path of the problem. The result does not refer to data.
func ParseAuditEvent(data []byte) (*Access, error) {
	s := scanners.Get().(*scanner)
	defer scanners.Put(s)
	return s.parse(bytes.TrimPrefix(data, utf8BOM))
}

// parse is ParseAuditEvent with the scanner s, on data without a byte
// order mark. s is reset before it returns.
func (s *scanner) parse(data []byte) (*Access, error) {
	defer s.reset()
	r, ok := s.decodeResource(data)
	if !ok {
		// What the scanner is not sure of, encoding/json decides, with
		// its errors.
		return decodeJSON(data)
	}
	a, err := normalise(r)
	if err != nil {
		// Errors quote values with fmt, which copies them.
		return nil, err
	}
	s.own.keep(a)
	return a, nil
}

// parseAuditEventJSON is ParseAuditEvent through encoding/json alone: the
// reference the scanner is tested against.
func parseAuditEventJSON(data []byte) (*Access, error) {
	return decodeJSON(bytes.TrimPrefix(data, utf8BOM))
}

// decodeJSON decodes data, without a byte order mark, with encoding/json.
func decodeJSON(data []byte) (*Access, error) {
	var r resource
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonError(err)
	}
	return normalise(&r)
}

// bundle is the part of a Bundle that carries resources.
type bundle struct {
	ResourceType string `json:"resourceType"`
	// Type is raw because an AuditEvent's R4 type (a Coding) shares the
	// name; it is read only once the input is known to be a Bundle.
	Type  json.RawMessage `json:"type"`
	Entry []struct {
		Resource json.RawMessage `json:"resource"`
		Search   *struct {
			Mode string `json:"mode"`
		} `json:"search"`
	} `json:"entry"`
}

// ParseBundle parses a Bundle of AuditEvents (type collection, batch,
// transaction or searchset), or a single AuditEvent. Each entry that fails
// gives one error naming its index ("entry[3].resource.agent[0]: who is
// missing") and the others are still returned. Searchset entries included
// alongside the matches (search.mode include or outcome) are not audit
// events and are skipped.
func ParseBundle(data []byte) ([]*Access, []error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var b bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, []error{jsonError(err)}
	}
	switch b.ResourceType {
	case "AuditEvent":
		a, err := ParseAuditEvent(data)
		if err != nil {
			return nil, []error{err}
		}
		return []*Access{a}, nil
	case "Bundle":
	case "":
		return nil, []error{errAt("resourceType", "is missing (want Bundle or AuditEvent)")}
	default:
		return nil, []error{errAt("resourceType", "is %q, want Bundle or AuditEvent", b.ResourceType)}
	}
	var typ string
	if err := json.Unmarshal(b.Type, &typ); err != nil && len(b.Type) > 0 {
		return nil, []error{errAt("type", "is not a string")}
	}
	switch typ {
	case "collection", "batch", "transaction", "searchset":
	default:
		return nil, []error{errAt("type", "bundle type %q is not supported (want collection, batch, transaction or searchset)", typ)}
	}
	var out []*Access
	var errs []error
	for i, e := range b.Entry {
		path := fmt.Sprintf("entry[%d].resource", i)
		if e.Search != nil && (e.Search.Mode == "include" || e.Search.Mode == "outcome") {
			continue
		}
		if len(e.Resource) == 0 || bytes.Equal(e.Resource, []byte("null")) {
			errs = append(errs, errAt(path, "is missing"))
			continue
		}
		a, err := ParseAuditEvent(e.Resource)
		if err != nil {
			errs = append(errs, under(path, err))
			continue
		}
		out = append(out, a)
	}
	return out, errs
}
