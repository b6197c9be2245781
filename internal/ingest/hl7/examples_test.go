package hl7

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// exampleFile reads one of the shared real HL7 v2 example files.
func exampleFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(sharedtest.Path(t, "health-examples", "hl7v2", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestExamples parses every real example file and checks its header, its
// segment count and the patient's family name.
func TestExamples(t *testing.T) {
	tests := []struct {
		file, code, trigger, structure, controlID, version string
		segments                                           int
		family                                             string
	}{
		{"lfh-converter_ADT-multiline.hl7", "ADT", "A01", "", "102", "2.6", 7, "DOE"},
		{"lfh-converter_ORU-multiline-short-mixed.hl7", "ORU", "R01", "ORU_R01", "MSGID00231", "2.6", 9, "Patient"},
		{"lfh-converter_ORU-multiline-short.hl7", "ORU", "R01", "ORU_R01", "MSGID00231", "2.6", 8, "Patient"},
		{"lfh-converter_ORU-multiline.hl7", "ORU", "R01", "ORU_R01", "MSGID00231", "2.6", 534, "Patient"},
		{"lfh-converter_sample_unix.hl7", "ADT", "A01", "", "102", "2.6", 8, "DOE"},
		{"lfh-converter_sample_win.hl7", "ADT", "A01", "", "102", "2.6", 8, "DOE"},
		{"ms-fhir-converter_ADT-A01-01.hl7", "ADT", "A01", "ADT_A01", "MSG00001", "2.8", 24, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A02-01.hl7", "ADT", "A02", "ADT_A02", "MSG00001", "2.8", 14, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A03-01.hl7", "ADT", "A03", "ADT_A03", "MSG00001", "2.8", 24, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A04-01.hl7", "ADT", "A04", "ADT_A04", "MSG00001", "2.8", 24, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A08-01.hl7", "ADT", "A08", "ADT_A08", "MSG00001", "2.8", 24, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A11-01.hl7", "ADT", "A11", "ADT_A11", "MSG00001", "2.8", 9, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A13-01.hl7", "ADT", "A13", "ADT_A13", "MSG00001", "2.8", 24, "EVERYMAN"},
		{"ms-fhir-converter_ADT-A40-01.hl7", "ADT", "A40", "ADT_A40", "8919-40", "2.8", 4, "Test"},
		{"ms-fhir-converter_ADT-A40-02.hl7", "ADT", "A40", "ADT_A40", "8919-40", "2.8", 6, "Test"},
		{"ms-fhir-converter_LAB-ORU-1.hl7", "ORU", "R01", "", "182", "2.5", 16, "DUCK"},
		{"ms-fhir-converter_ORM-O01-01.hl7", "ORM", "O01", "ORM_O01", "MSG00018", "2.6", 12, "EVERYMAN"},
		{"ms-fhir-converter_ORU-R01-01.hl7", "ORU", "R01", "ORU_R01", "2.16.840.1.114222.4.3.3.5.1.2-20120314235954.325", "2.5.1", 29, "Finn"},
		{"nhswales_hl7-v2.3-adt-a01-1.hl7", "ADT", "A01", "ADT_A01", "01052901", "2.5", 8, "KLEINSAMPLE"},
		{"nhswales_hl7-v2.3-oru-r01-1.hl7", "ORU", "R01", "", "1473973200100600", "2.3", 13, "AAAAAAAA"},
		{"nhswales_hl7-v2.3-oru-r01-2.hl7", "ORU", "R01", "", "3216598", "2.3", 21, "Patlast"},
		{"nhswales_hl7-v2.3-siu-s12-1.hl7", "SIU", "S12", "", "24916560", "2.3", 8, "SMITH"},
		{"nhswales_hl7-v2.3.1-ack-1.hl7", "ACK", "", "", "1125342816253.100000055", "2.3.1", 3, ""},
		{"nhswales_hl7-v2.4-oru-r01-1.hl7", "ADT", "A04", "ADT_A01", "000001", "2.4", 15, "MASSIE"},
		{"nhswales_hl7-v2.5.1-oru-r01-1.hl7", "ORU", "R01", "ORU_R01", "1234567890", "2.5.1", 19, "TestMD"},
		{"nhswales_hl7-v2.5.1-vxu-v04-1.hl7", "VXU", "V04", "VXU_V04", "225", "2.5.1", 7, "DOE"},
		{"uclh-emap_ADT_A01.hl7", "ADT", "A01", "", "31644", "2.4", 7, "ORANGE"},
		{"uclh-emap_ADT_A02.hl7", "ADT", "A02", "", "32049", "2.4", 7, "YYTMRTTEST"},
		{"uclh-emap_ADT_A03.hl7", "ADT", "A03", "", "eh", "2.4", 12, "AGBTESTD"},
		{"uclh-emap_ADT_A04.hl7", "ADT", "A04", "", "31644", "2.4", 7, "ORANGE"},
		{"uclh-emap_ADT_A08_v1.hl7", "ADT", "A08", "", "31644ZZZ", "2.4", 6, "ORANG"},
		{"uclh-emap_ADT_A11.hl7", "ADT", "A11", "", "100000", "2.4", 6, "ORANGE"},
		{"uclh-emap_ADT_A13.hl7", "ADT", "A13", "", "100000", "2.4", 11, "AGBTESTD"},
		{"uclh-emap_ADT_A40.hl7", "ADT", "A40", "", "PPPPP111111111111111", "2.4", 4, "TEST-CHU"},
		{"uclh-emap_ORM_O01_nw.hl7", "ORM", "O01", "", "58334", "2.4", 12, "ORANG"},
		{"uclh-emap_ORU_R01.hl7", "ORU", "R01", "", "3700001331282", "2.3", 9, "ORANG"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			parts := Split(exampleFile(t, tc.file))
			if len(parts) != 1 {
				t.Fatalf("Split gave %d messages, want 1", len(parts))
			}
			m, err := Parse(parts[0])
			if err != nil {
				t.Fatal(err)
			}
			code, trigger, structure := m.Type()
			if code != tc.code || trigger != tc.trigger || structure != tc.structure {
				t.Errorf("Type() = %q %q %q, want %q %q %q", code, trigger, structure, tc.code, tc.trigger, tc.structure)
			}
			if got := m.ControlID(); got != tc.controlID {
				t.Errorf("ControlID() = %q, want %q", got, tc.controlID)
			}
			if got := m.Version(); got != tc.version {
				t.Errorf("Version() = %q, want %q", got, tc.version)
			}
			if got := len(m.All()); got != tc.segments {
				t.Errorf("%d segments, want %d", got, tc.segments)
			}
			if got := m.Get("PID-5.1"); got != tc.family {
				t.Errorf("PID-5.1 = %q, want %q", got, tc.family)
			}
		})
	}
	files, err := filepath.Glob(filepath.Join(sharedtest.Path(t, "health-examples", "hl7v2"), "*.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("example %s has no test case", filepath.Base(f))
		}
	}
}

// TestExampleValues checks values that exercise line endings, escapes,
// the doubled-backslash MSH-2 and the byte-order mark in real files.
func TestExampleValues(t *testing.T) {
	tests := []struct{ file, path, want string }{
		{"lfh-converter_sample_win.hl7", "PID-11.3", "TEST_CITY"},
		{"lfh-converter_sample_win.hl7", "PV1-17.2", "ADMITTING_DOC_FAMILY_TEST"},
		{"lfh-converter_sample_unix.hl7", "MSH-2", `^~\\&`},
		{"lfh-converter_sample_unix.hl7", "AL1(2)-5(2)", `VOMITING\r`},
		{"lfh-converter_sample_unix.hl7", "PID-3(2).5", "SS"},
		{"ms-fhir-converter_LAB-ORU-1.hl7", "MSH-3", "SomeSystem"},
		{"ms-fhir-converter_ADT-A01-01.hl7", "PV1-3.1", "HUH AE OMU"},
		{"ms-fhir-converter_ADT-A01-01.hl7", "PV1-3.1.2", "9.8"},
		{"ms-fhir-converter_ADT-A01-01.hl7", "PV1-14", "NHS Provider-General (inc.A&E-this Hosp)"},
		{"ms-fhir-converter_ORU-R01-01.hl7", "NTE-3", "Enteric culture includes testing for Salmonella, Shigella, Campylobacter, Yersinia, E.coli O157:H7 & other STECs, and Aeromonas"},
		{"nhswales_hl7-v2.3-adt-a01-1.hl7", "PID-11(2).1", "NICKELL’S PICKLES & DILL"},
		{"nhswales_hl7-v2.3.1-ack-1.hl7", "MSA-2", "00000001"},
		{"nhswales_hl7-v2.4-oru-r01-1.hl7", "NK1(2)-2.2", "MARYLOU"},
		{"uclh-emap_ADT_A01.hl7", "PID-3(2)", "9999999999"},
		{"uclh-emap_ADT_A03.hl7", "ZLW-23", "DISCH"},
		{"uclh-emap_ORM_O01_nw.hl7", "NTE-3", "COVID-19-SHIELDING PT& A MINOR-APPROVED-PP"},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.path, func(t *testing.T) {
			m, err := Parse(exampleFile(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Get(tc.path); got != tc.want {
				t.Errorf("Get(%q) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}
