package privacy

import (
	"sync"
	"time"
	_ "time/tzdata" // Europe/London must load even where the host has no zoneinfo
)

// Options tune the explanations and detectors. DefaultOptions documents
// each default; docs/privacy.md says why they were chosen.
type Options struct {
	// Location is where the working day is judged (out of hours, days in
	// evidence).
	Location *time.Location
	// CareBefore and CareAfter widen a visit for the clinicians named on
	// it: records are read before an admission (pre-assessment) and after
	// discharge (letters, results).
	CareBefore, CareAfter time.Duration
	// AppointmentBefore and AppointmentAfter widen an appointment.
	AppointmentBefore, AppointmentAfter time.Duration
	// ReferralBefore widens a visit for its referring clinician, who
	// writes the referral before the patient arrives.
	ReferralBefore time.Duration
	// WardBefore and WardAfter widen a ward stay for the ward's staff.
	WardBefore, WardAfter time.Duration
	// ClerkWindow is how long before and after keying an ADT event its
	// operator (EVN-5) may open the record.
	ClerkWindow time.Duration
	// OpenOutpatient is how long an outpatient visit with no discharge
	// lasts.
	OpenOutpatient time.Duration
	// BreakGlassPeriod is how long a break-glass lasts when no stop event
	// is seen; BreakGlassJustify is how soon after it a care relationship
	// must start for it to count as justified without a review.
	BreakGlassPeriod, BreakGlassJustify time.Duration
	// DayStart and DayEnd bound working hours (local hours, DayEnd
	// exclusive); weekends are outside them too.
	DayStart, DayEnd int
	// Team mining: two users are teammates when they opened at least
	// TeamMinShared of the same patients and the Jaccard similarity of
	// their patient sets is at least TeamMinJaccard. Patients opened by
	// more than TeamMaxUsers users are left out of the co-access graph:
	// they link everyone and no one.
	TeamMinShared  int
	TeamMinJaccard float64
	TeamMaxUsers   int
	// Mass look-up: a read counts when it follows a search by the same
	// user within MassSearchWindow; reads closer than MassGap form one
	// span; a span with MassMinPatients distinct unexplained patients is a
	// case.
	MassSearchWindow, MassGap time.Duration
	MassMinPatients           int
	// Service departments: a department serves a ward or specialty when
	// the otherwise unexplained records its staff opened cover at least
	// ServiceMinShare of that department's episodes, and at least
	// ServiceMinEpisodes of them, by more than one of its staff.
	ServiceMinShare    float64
	ServiceMinEpisodes int
	// MinScore drops cases scoring below it.
	MinScore int
	// KeepExplanations keeps one Explanation per explained access in the
	// Result (for evidence packs and tests; it costs memory).
	KeepExplanations bool
}

var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil { // unreachable with time/tzdata embedded
		return time.UTC
	}
	return loc
})

// DefaultOptions returns the settings the method is documented with.
func DefaultOptions() Options {
	const day = 24 * time.Hour
	return Options{
		Location:           london(),
		CareBefore:         2 * day,
		CareAfter:          14 * day,
		AppointmentBefore:  7 * day,
		AppointmentAfter:   14 * day,
		ReferralBefore:     30 * day,
		WardBefore:         4 * time.Hour,
		WardAfter:          2 * day,
		ClerkWindow:        4 * time.Hour,
		OpenOutpatient:     day,
		BreakGlassPeriod:   8 * time.Hour,
		BreakGlassJustify:  3 * day,
		DayStart:           7,
		DayEnd:             20,
		TeamMinShared:      3,
		TeamMinJaccard:     0.05,
		TeamMaxUsers:       40,
		MassSearchWindow:   10 * time.Minute,
		MassGap:            30 * time.Minute,
		MassMinPatients:    10,
		ServiceMinShare:    0.15,
		ServiceMinEpisodes: 5,
	}
}
