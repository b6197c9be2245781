// Package collect turns figures from Vigil's own data into assurance
// evidence: each collector reads one kind of figure (monitoring coverage,
// the integrity of Vigil's logs, alerts and their triage, the estate's
// support and known-exploited vulnerabilities, training, phishing reports,
// incidents) and says, in plain words, which indicators of the CAF v3.2 it
// supports or contradicts.
//
// The figures are gathered by the caller (internal/report reads them from a
// data folder), so that this package knows nothing of storage. A collector
// claims only what its figures show: where they cannot tell, it says nothing
// and the indicator stays for a person to assess.
package collect
