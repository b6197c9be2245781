package hl7

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
)

func TestToEvent(t *testing.T) {
	m, err := Parse(exampleFile(t, "uclh-emap_ADT_A01.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	ToEvent(m, &ev)
	if want := (event.LogSource{Product: "hl7", Service: "adt"}); ev.LogSource != want {
		t.Errorf("LogSource = %+v, want %+v", ev.LogSource, want)
	}
	if want := time.Date(2013, 2, 11, 10, 0, 52, 0, time.UTC); !ev.Time.Equal(want) || ev.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v in UTC", ev.Time, want)
	}
	if ev.Host != "UCLH" {
		t.Errorf("Host = %q, want UCLH", ev.Host)
	}
	want := map[string]string{
		"hl7.type":                "ADT^A01",
		"hl7.event":               "A01",
		"hl7.control_id":          "31644",
		"hl7.sending_application": "EPIC",
		"hl7.sending_facility":    "UCLH",
		"hl7.version":             "2.4",
		"hl7.processing_id":       "T",
		"patient.nhs_number":      "9999999999",
		"patient.mrn":             "40800000",
		"patient.name":            "ORANGE, BLOOD",
		"patient.birth_date":      "1980-01-01",
		"patient.sex":             "F",
		"visit.class":             "I",
		"visit.ward":              "T42E",
		"visit.attending":         "HB",
		"visit.attending_name":    "BADGER, HONEY",
		"visit.service":           "Anaes",
		"event.operator":          "IPUC",
		"event.operator_name":     "COORDINATOR, INPATIENT",
	}
	for name, v := range want {
		if got, ok := ev.GetName(name); !ok || got != v {
			t.Errorf("field %s = %q (present %v), want %q", name, got, ok, v)
		}
	}
	for _, absent := range []string{"hl7.receiving_application", "patient.postcode", "patient.invalid_nhs_number"} {
		if got, ok := ev.GetName(absent); ok {
			t.Errorf("field %s = %q, want it absent", absent, got)
		}
	}
}

// TestToEventNonADT checks header mapping for other messages, the host
// falling back to the sending application, and A40 merge identifiers.
func TestToEventNonADT(t *testing.T) {
	tests := []struct {
		file, service, host string
		fields              map[string]string
	}{
		{"uclh-emap_ORU_R01.hl7", "oru", "UCH", map[string]string{"hl7.type": "ORU^R01", "hl7.receiving_application": "EPIC"}},
		{"nhswales_hl7-v2.3.1-ack-1.hl7", "ack", "DOE", map[string]string{"hl7.type": "ACK"}},
		{"uclh-emap_ORM_O01_nw.hl7", "orm", "", map[string]string{"hl7.type": "ORM^O01", "hl7.control_id": "58334"}},
		{"uclh-emap_ADT_A40.hl7", "adt", "RRV03", map[string]string{"merge.prior_identifier": "40800000", "patient.mrn": "40800001"}},
	}
	for _, tc := range tests {
		m, err := Parse(exampleFile(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		var ev event.Event
		ToEvent(m, &ev)
		if ev.LogSource.Service != tc.service || ev.Host != tc.host {
			t.Errorf("%s: service %q host %q, want %q %q", tc.file, ev.LogSource.Service, ev.Host, tc.service, tc.host)
		}
		for name, v := range tc.fields {
			if got, _ := ev.GetName(name); got != v {
				t.Errorf("%s: field %s = %q, want %q", tc.file, name, got, v)
			}
		}
		if _, ok := ev.GetName("patient.nhs_number"); ok && tc.service != "adt" {
			t.Errorf("%s: patient fields on a non-ADT message", tc.file)
		}
	}
}
