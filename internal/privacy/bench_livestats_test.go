package privacy

import "testing"

// reportCare reports what l's care state holds, given the live heap
// with it (all): in all (MB-care), and per patient once every episode
// and link is dropped (B/patient-identity, what stays without bound),
// with what l keeps and has dropped. It leaves l without its care state.
func reportCare(b *testing.B, l *Live, all uint64) {
	st := l.Stats()
	b.ReportMetric(float64(st.Accesses), "accesses-kept")
	b.ReportMetric(float64(st.Episodes), "episodes-kept")
	b.ReportMetric(float64(st.EpisodesDropped), "episodes-dropped")
	b.ReportMetric(float64(st.Patients), "patients")
	l.mu.Lock()
	l.care.dropCareBefore(maxTime + 1)
	l.mu.Unlock()
	identity := heapAfterGC()
	none := releaseCare(l)
	b.ReportMetric(float64(all-none)/(1<<20), "MB-care")
	b.ReportMetric(float64(identity-none)/float64(st.Patients), "B/patient-identity")
}
