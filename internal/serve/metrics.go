package serve

import (
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/vigilhealth/vigil/internal/notify"
)

// handleMetrics writes the Prometheus text exposition format (version
// 0.0.4) by hand: a few counters and gauges need no client library.
func (s *Service) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m := metricWriter{w: w}
	if s.node != nil {
		s.roleMetrics(m)
		return
	}
	ws := s.wal.Stats()
	m.family("vigil_events_in_total", "counter", "Events accepted (durable), per listener.")
	for _, l := range sortedKeys(s.eventsIn) {
		m.sample("vigil_events_in_total", "listener", l, float64(s.eventsIn[l].Load()))
	}
	m.family("vigil_quarantined_total", "counter", "Malformed messages quarantined, per listener.")
	q := s.quar.Counts()
	for _, l := range sortedKeys(q) {
		m.sample("vigil_quarantined_total", "listener", l, float64(q[l]))
	}
	m.one("vigil_ingest_overloaded_total", "counter", "Batches refused because the detector lags too far behind.", float64(s.sink.overloads.Load()))
	if s.syslog != nil {
		ls := s.syslog.Stats()
		m.one("vigil_syslog_parse_errors_total", "counter", "Syslog messages that were binary or had a malformed payload.", float64(ls.ParseErrors))
		m.one("vigil_syslog_udp_drops_total", "counter", "Syslog datagrams dropped because the queue was full.", float64(ls.UDPDrops))
		m.one("vigil_syslog_queue_length", "gauge", "Syslog events waiting for the log.", float64(ls.Queued))
	}
	s.fhirMetrics(m)
	s.mllpMetrics(m)
	m.one("vigil_wal_records", "gauge", "Last sequence number in the event log.", float64(ws.Last))
	m.one("vigil_wal_appends_total", "counter", "Append calls committed since start.", float64(ws.Appends))
	m.one("vigil_wal_syncs_total", "counter", "fsyncs of the event log since start.", float64(ws.Syncs))
	m.one("vigil_wal_bytes", "gauge", "Bytes in the event log's segments.", float64(ws.Bytes))
	s.eventStoreMetrics(m, ws.Last)
	m.one("vigil_detector_position", "gauge", "Last record whose detections are committed.", float64(s.processed.Load()))
	m.one("vigil_detector_lag_records", "gauge", "Records in the log not yet processed.", float64(ws.Last-min(ws.Last, s.processed.Load())))
	m.one("vigil_detector_decode_errors_total", "counter", "Log records that did not decode.", float64(s.det.decodeErrs.Load()))
	m.one("vigil_detections_total", "counter", "Rule and correlation detections since start.", float64(s.det.detections.Load()))
	m.one("vigil_alert_changes_total", "counter", "Alerts created or updated since start.", float64(s.det.changed.Load()))
	s.corrMetrics(m)
	s.notifyMetrics(m)
	if s.guidance != nil {
		s.guidance.metrics(m)
	}
	s.peopleMetrics(m)
	s.privacyMetrics(m)
	m.one("vigil_flow_sources", "gauge", "Sources the flow watch follows.", float64(len(s.flow.Sources())))
	m.one("vigil_flow_evicted_total", "counter", "Sources the flow watch forgot to stay within its limit.", float64(s.flow.Evicted()))
	ready := 0.0
	if s.det.ready.Load() {
		ready = 1
	}
	m.one("vigil_ready", "gauge", "1 once the detector has caught up with the log at start.", ready)
}

type metricWriter struct{ w io.Writer }

func (m metricWriter) family(name, typ, help string) {
	fmt.Fprintf(m.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func (m metricWriter) sample(name, label, value string, v float64) {
	fmt.Fprintf(m.w, "%s{%s=%q} %g\n", name, label, value, v)
}

func (m metricWriter) one(name, typ, help string, v float64) {
	m.family(name, typ, help)
	fmt.Fprintf(m.w, "%s %g\n", name, v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// notifyMetrics writes the notification counts per target.
func (s *Service) notifyMetrics(m metricWriter) {
	if s.notify == nil {
		return
	}
	m.one("vigil_notify_reload_errors_total", "counter", "Looks for notification targets added or removed that failed.", float64(s.notifyReload.errors.Load()))
	st := s.notify.Stats()
	targets := sortedKeys(st)
	for _, f := range []struct {
		name, typ, help string
		v               func(notify.TargetStats) float64
	}{
		{"vigil_notify_sent_total", "counter", "Alert notifications delivered, per target.", func(t notify.TargetStats) float64 { return float64(t.Sent) }},
		{"vigil_notify_failed_total", "counter", "Alert notifications given up after retries, per target.", func(t notify.TargetStats) float64 { return float64(t.Failed) }},
		{"vigil_notify_dropped_total", "counter", "Alert notifications dropped from a full queue, per target.", func(t notify.TargetStats) float64 { return float64(t.Dropped) }},
		{"vigil_notify_throttled_total", "counter", "Alert notifications held back as repeats, per target.", func(t notify.TargetStats) float64 { return float64(t.Throttled) }},
		{"vigil_notify_queue_length", "gauge", "Alert notifications waiting, per target.", func(t notify.TargetStats) float64 { return float64(t.Queued) }},
	} {
		m.family(f.name, f.typ, f.help)
		for _, t := range targets {
			m.sample(f.name, "target", t, f.v(st[t]))
		}
	}
}

// fhirMetrics writes the FHIR endpoint's counts.
func (s *Service) fhirMetrics(m metricWriter) {
	if s.fhir == nil {
		return
	}
	m.one("vigil_fhir_requests_total", "counter", "FHIR ingest requests answered.", float64(s.fhir.requests.Load()))
	m.one("vigil_fhir_refused_total", "counter", "AuditEvents refused as malformed (answered 400 and quarantined).", float64(s.fhir.refused.Load()))
}

// mllpMetrics writes the HL7 v2 MLLP listener's counts, with the accepted
// messages per message type.
func (s *Service) mllpMetrics(m metricWriter) {
	if s.mllp == nil {
		return
	}
	st := s.mllp.Stats()
	m.family("vigil_hl7_messages_total", "counter", "HL7 v2 messages stored and acknowledged AA, per message type.")
	for _, t := range sortedKeys(st.Types) {
		m.sample("vigil_hl7_messages_total", "type", t, float64(st.Types[t]))
	}
	m.one("vigil_hl7_rejected_total", "counter", "HL7 v2 messages answered AR or AE as malformed or too large.", float64(st.Rejected))
	m.one("vigil_hl7_store_errors_total", "counter", "HL7 v2 messages answered AE because storing them failed.", float64(st.StoreErrors))
	m.one("vigil_hl7_frame_errors_total", "counter", "Bytes outside any MLLP frame.", float64(st.FrameErrors))
	m.one("vigil_hl7_overloaded_total", "counter", "Times an HL7 v2 message waited for the overloaded sink.", float64(st.Overloads))
	m.one("vigil_hl7_connections_open", "gauge", "MLLP connections open.", float64(st.ConnsOpen))
	m.one("vigil_hl7_connections_refused_total", "counter", "MLLP connections closed at once for being over hl7.max_connections.", float64(st.ConnsRefused))
}
