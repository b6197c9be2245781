package people

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReadStaffCSV checks the staff importer returns a directory or an
// *ImportError, never both and never a panic.
func FuzzReadStaffCSV(f *testing.F) {
	f.Add(readTestdata(f, "staff.csv"))
	f.Add([]byte("staff_id,name,email,staff_group,site\n1,A,a@x.nhs.uk,G,S\n1,B,b@x.nhs.uk,G,S\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadStaffCSV(bytes.NewReader(data), "f.csv")
		checkAllOrNothing(t, d != nil, err)
	})
}

// FuzzReadTrainingCSV checks the training importer, and that what it
// accepts rolls up without a panic.
func FuzzReadTrainingCSV(f *testing.F) {
	f.Add(readTestdata(f, "training.csv"))
	f.Add([]byte("email,course,completed,validity\na@x,X,31/12/2025,3y\n"))
	dir := testDirectory(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadTrainingCSV(bytes.NewReader(data), "f.csv")
		checkAllOrNothing(t, recs != nil, err)
		if err == nil {
			r := NewTraining(dir, recs).Rollup(day(t, "2025-10-01"), testRequirements, nil)
			if r.Overall.Completion < 0 || r.Overall.Completion > 1 {
				t.Fatalf("completion %v", r.Overall.Completion)
			}
		}
	})
}

// FuzzReadGoPhishCSV checks the GoPhish CSV importer and the metrics.
func FuzzReadGoPhishCSV(f *testing.F) {
	f.Add(readTestdata(f, "gophish-results.csv"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ReadGoPhishCSV(bytes.NewReader(data), "f.csv", "c")
		checkAllOrNothing(t, c.Recipients != nil, err)
		checkMetrics(t, c.Metrics())
	})
}

// FuzzReadGoPhishJSON checks the GoPhish JSON importer and the metrics.
func FuzzReadGoPhishJSON(f *testing.F) {
	f.Add(readTestdata(f, "gophish-campaign.json"))
	f.Add([]byte(`[{"id":1,"results":[{"email":"a@x","status":"Clicked Link","reported":true}],"timeline":[{"email":"a@x","message":"Email Reported","time":"2025-01-01T00:00:00Z"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ReadGoPhishJSON(bytes.NewReader(data), "f.json")
		checkAllOrNothing(t, cs != nil, err)
		checkMetrics(t, Phishing(cs).Overall)
	})
}

// FuzzParseReportJSON checks report validation gives a report or a
// *FieldError.
func FuzzParseReportJSON(f *testing.F) {
	f.Add(readTestdata(f, "report.json"))
	f.Add([]byte(`{"reporter":"a@b.nhs.uk","received_at":"01/02/2025","raw":"From: x@y\r\n\r\nhttp://a.example"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReportJSON(data)
		var fe *FieldError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("error %v (%T) is not a *FieldError", err, err)
		}
		if err == nil && (r.Reporter == "" || r.ReceivedAt.IsZero() && r.Raw == "" && r.Headers == nil) {
			t.Fatalf("accepted an incomplete report %+v", r)
		}
	})
}

// FuzzReadReportMail checks the mailbox reader never panics and that a
// report it accepts names its reporter.
func FuzzReadReportMail(f *testing.F) {
	f.Add(readTestdata(f, "forwarded-attached.eml"))
	f.Add(readTestdata(f, "forwarded-inline.eml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ReadReportMail(bytes.NewReader(data), "m")
		if err == nil && r.Reporter == "" {
			t.Fatal("accepted a mail without a reporter")
		}
	})
}

// checkAllOrNothing fails when an importer returned data with an error,
// or an error that is not an *ImportError naming the file.
func checkAllOrNothing(t *testing.T, got bool, err error) {
	t.Helper()
	var ie *ImportError
	switch {
	case err != nil && got:
		t.Fatalf("returned data with the error %v", err)
	case err != nil && !errors.As(err, &ie):
		t.Fatalf("error %v (%T) is not an *ImportError", err, err)
	case err != nil && ie.File == "":
		t.Fatalf("error %v does not name the file", err)
	}
}

// checkMetrics fails on a rate outside [0, 1] or steps out of order.
func checkMetrics(t *testing.T, m CampaignMetrics) {
	t.Helper()
	for _, r := range []float64{m.OpenRate, m.ClickRate, m.SubmitRate, m.ReportRate} {
		if r < 0 || r > 1 || r != r {
			t.Fatalf("rate %v in %+v", r, m)
		}
	}
	if m.Submitted > m.Clicked || m.Clicked > m.Opened || m.Opened > m.Sent || m.MedianTimeToReport < 0 {
		t.Fatalf("steps out of order: %+v", m)
	}
}

// FuzzScanJSONLines checks the log reader keeps a prefix of whole JSON
// lines, and that reading what it kept keeps all of it: opening a log
// twice changes nothing more.
func FuzzScanJSONLines(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\"}\n{\"id\":\"b\"}\n"))
	f.Add([]byte("{\"id\":\"a\"}\n{\"id\":\"b"))
	f.Add([]byte("{\"id\":\"a\"}\nnot json\n{\"id\":\"b\"}\n"))
	f.Add(append(bytes.Clone(readTestdata(f, "report.json")), '\n'))
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs [][]byte
		keep, err := scanJSONLines("f.jsonl", data, func(_ int, rec []byte) error {
			recs = append(recs, rec)
			return nil
		})
		if err != nil {
			return
		}
		if keep > len(data) || keep > 0 && data[keep-1] != '\n' {
			t.Fatalf("kept %d of %d bytes, not ending a line", keep, len(data))
		}
		n := 0
		again, err := scanJSONLines("f.jsonl", data[:keep], func(_ int, rec []byte) error {
			if !bytes.Equal(rec, recs[n]) {
				t.Fatalf("record %d differs on a second reading", n)
			}
			n++
			return nil
		})
		if err != nil || again != keep || n != len(recs) {
			t.Fatalf("second reading: kept %d of %d, %d records of %d, %v", again, keep, n, len(recs), err)
		}
	})
}
