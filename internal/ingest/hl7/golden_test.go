package hl7

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// adtExamples are the real example files holding ADT messages.
var adtExamples = []string{
	"lfh-converter_ADT-multiline.hl7",
	"lfh-converter_sample_unix.hl7",
	"lfh-converter_sample_win.hl7",
	"ms-fhir-converter_ADT-A01-01.hl7",
	"ms-fhir-converter_ADT-A02-01.hl7",
	"ms-fhir-converter_ADT-A03-01.hl7",
	"ms-fhir-converter_ADT-A04-01.hl7",
	"ms-fhir-converter_ADT-A08-01.hl7",
	"ms-fhir-converter_ADT-A11-01.hl7",
	"ms-fhir-converter_ADT-A13-01.hl7",
	"ms-fhir-converter_ADT-A40-01.hl7",
	"ms-fhir-converter_ADT-A40-02.hl7",
	"nhswales_hl7-v2.3-adt-a01-1.hl7",
	"nhswales_hl7-v2.4-oru-r01-1.hl7", // misnamed upstream: an ADT^A04
	"uclh-emap_ADT_A01.hl7",
	"uclh-emap_ADT_A02.hl7",
	"uclh-emap_ADT_A03.hl7",
	"uclh-emap_ADT_A04.hl7",
	"uclh-emap_ADT_A08_v1.hl7",
	"uclh-emap_ADT_A11.hl7",
	"uclh-emap_ADT_A13.hl7",
	"uclh-emap_ADT_A40.hl7",
}

// TestADTGolden compares the ADT model of each ADT example with
// testdata/golden/<file>.json; run with -update to rewrite them.
func TestADTGolden(t *testing.T) {
	for _, file := range adtExamples {
		t.Run(file, func(t *testing.T) {
			m, err := Parse(exampleFile(t, file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseADT(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(a, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(file, ".hl7")+".json")
			sharedtest.Golden(t, golden, got, *update)
		})
	}
}

// TestParseADTRejectsOtherTypes checks that only ADT messages are modelled.
func TestParseADTRejectsOtherTypes(t *testing.T) {
	m, err := Parse(exampleFile(t, "uclh-emap_ORU_R01.hl7"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseADT(m); err == nil || !strings.Contains(err.Error(), "ORU") {
		t.Errorf("ParseADT(ORU) error = %v, want one naming ORU", err)
	}
}
