package serve

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/vigilhealth/vigil/internal/ingest/fhir"
)

// fhirContentType is the media type of every FHIR answer.
const fhirContentType = "application/fhir+json"

// operationOutcome is a FHIR OperationOutcome: why a resource was refused.
type operationOutcome struct {
	ResourceType string    `json:"resourceType"`
	Issue        []ooIssue `json:"issue"`
}

// ooIssue is one issue: severity (error, information), its code from the
// FHIR issue-type value set (invalid, structure, login, throttled,
// transient, too-costly, informational), the text, and the FHIRPath of the
// element at fault.
type ooIssue struct {
	Severity    string   `json:"severity"`
	Code        string   `json:"code"`
	Diagnostics string   `json:"diagnostics"`
	Expression  []string `json:"expression,omitempty"`
}

// outcome makes an OperationOutcome of one issue.
func outcome(severity, code, diagnostics string, expression ...string) *operationOutcome {
	return &operationOutcome{ResourceType: "OperationOutcome", Issue: []ooIssue{{severity, code, diagnostics, expression}}}
}

// refusedOutcome describes a resource that failed to parse: code structure
// when it is not JSON of the right shape, invalid for a wrong element, and
// the element's path under base ("Bundle.entry[3].resource", "AuditEvent").
func refusedOutcome(base string, err error) *operationOutcome {
	code, path := "invalid", base
	var fe *fhir.Error
	if errors.As(err, &fe) {
		if fe.Path != "" {
			path = base + "." + fe.Path
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) || fe.Path == "" {
			code = "structure"
		}
	}
	return outcome("error", code, path+": "+errText(err), path)
}

// errText is an error's text without the path a *fhir.Error starts with,
// which refusedOutcome gives in full.
func errText(err error) string {
	var fe *fhir.Error
	if errors.As(err, &fe) {
		c := *fe
		c.Path = ""
		return c.Error()
	}
	return err.Error()
}

// bundleAnswer is a batch-response or transaction-response Bundle: one
// entry per entry of the request, in order.
type bundleAnswer struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Entry        []answerEntry `json:"entry"`
}

type answerEntry struct {
	Response entryResponse `json:"response"`
}

type entryResponse struct {
	Status   string            `json:"status"`
	Location string            `json:"location,omitempty"`
	Outcome  *operationOutcome `json:"outcome,omitempty"`
}

// writeFHIR answers status with v as FHIR JSON.
func writeFHIR(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only plain structs of strings are written
		status, body = http.StatusInternalServerError, []byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception","diagnostics":"encoding the answer failed"}]}`)
	}
	w.Header().Set("Content-Type", fhirContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// writeOutcome answers status with an OperationOutcome of one error issue.
func writeOutcome(w http.ResponseWriter, status int, code, diagnostics string, expression ...string) {
	writeFHIR(w, status, outcome("error", code, diagnostics, expression...))
}
