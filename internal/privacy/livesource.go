package privacy

// Source is a log source whose events Live takes (AddEvent): the HL7 v2
// care records and the two kinds of audit event. A consumer that feeds
// Live from stored events selects them by these, so that the selection
// and AddEvent agree.
type Source struct {
	Product string
	Service string // "" for any service
	// Audit is set for audit events (accesses), clear for care records
	// (ADT and SIU messages).
	Audit bool
}

// inputSources are the log sources Live takes.
var inputSources = [...]Source{
	{Product: "hl7"},
	{Product: "fhir", Service: "auditevent", Audit: true},
	{Product: "dicom", Service: "atna", Audit: true},
}

// InputSources returns the log sources whose events Live takes.
func InputSources() []Source { return append([]Source(nil), inputSources[:]...) }

// InputSource returns the input source an event of this product and
// service belongs to, and whether it is one.
func InputSource(product, service string) (Source, bool) {
	for _, s := range inputSources {
		if product == s.Product && (s.Service == "" || service == s.Service) {
			return s, true
		}
	}
	return Source{}, false
}
