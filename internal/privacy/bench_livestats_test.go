package privacy

import "testing"

// reportLiveStats reports what l keeps and has dropped.
func reportLiveStats(b *testing.B, l *Live) {
	st := l.Stats()
	b.ReportMetric(float64(st.Accesses), "accesses-kept")
	b.ReportMetric(float64(st.Episodes), "episodes-kept")
	b.ReportMetric(float64(st.EpisodesDropped), "episodes-dropped")
	b.ReportMetric(float64(st.Patients), "patients")
}
