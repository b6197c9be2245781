package privacy

// Summary counts what a run read and found. It is the last line of the
// JSON-lines output.
type Summary struct {
	// Accesses counts opened patient records analysed; Explained those
	// with an explanation, Unexplained the rest.
	Accesses    int `json:"accesses"`
	Explained   int `json:"explained"`
	Unexplained int `json:"unexplained"`
	Cases       int `json:"cases"`
	// ByExplanation counts explained accesses by the first explanation
	// found: direct_care, referral, registered_carer, registration_clerk,
	// ward, department, team, breakglass_justified.
	ByExplanation map[string]int `json:"by_explanation"`
	// ByKind counts cases by kind.
	ByKind map[string]int `json:"by_kind"`
	// Searches are queries (a patient listed is not a record opened);
	// BreakGlass counts break-glass declarations; Skipped audit events
	// touch no patient record (logins, system queries).
	Searches   int `json:"searches"`
	BreakGlass int `json:"breakglass"`
	Skipped    int `json:"skipped"`
	// InputErrors counts unusable records per input: staff, adt, access,
	// vip, reviews.
	InputErrors map[string]int `json:"input_errors"`
	// What the care records held.
	Staff        int `json:"staff"`
	Patients     int `json:"patients"`
	ADTMessages  int `json:"adt_messages"`
	Appointments int `json:"appointments"`
	Episodes     int `json:"episodes"`
	TeamLinks    int `json:"team_links"`
}

// Explanation records why one access was explained and the fact used.
type Explanation struct {
	UserID    string `json:"user_id"`
	PatientID string `json:"patient_id"`
	Time      int64  `json:"time"` // unix seconds
	Reason    string `json:"reason"`
	Fact      string `json:"fact"`
}

// Result is what Run found.
type Result struct {
	Cases   []Case
	Summary Summary
	// Explanations holds one entry per explained access, in time order,
	// when Options.KeepExplanations is set.
	Explanations []Explanation

	// What timelines and evidence packs read: the inputs, the index of
	// relationships, every access in time order with its explanation,
	// and the case of each user-patient pair.
	a      *Auditor
	ix     *index
	recs   []rec
	xs     []explanation
	caseOf map[uint64]int // pairKey(user, patient) -> index into Cases
}

func (a *Auditor) newSummary() Summary {
	s := Summary{
		ByExplanation: map[string]int{},
		ByKind:        map[string]int{},
		InputErrors:   map[string]int{},
		Searches:      a.counts.queries,
		Skipped:       a.counts.skipped,
		Patients:      len(a.patients),
		ADTMessages:   a.counts.adt,
		Appointments:  a.counts.appts,
		Episodes:      len(a.episodes),
	}
	for _, st := range a.staff {
		if st.onRoster {
			s.Staff++
		}
	}
	for k, n := range a.counts.errors {
		s.InputErrors[k] = n
	}
	return s
}
