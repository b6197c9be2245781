package people

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseReportJSON(t *testing.T) {
	r, err := ParseReportJSON(readTestdata(t, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Reporter != "aisha.khan@trust.nhs.uk" || r.Via != "api" || !r.ReceivedAt.Equal(time.Date(2025, 10, 7, 8, 2, 11, 0, time.UTC)) {
		t.Fatalf("report = %+v", r)
	}
	if !slices.Equal(r.URLs, []string{"https://nhsmail-verify.example/login"}) {
		t.Errorf("URLs = %q, want the refanged link", r.URLs)
	}
	if !slices.Equal(r.Headers["Received"], []string{"from a by b", "from c by d"}) || r.Headers["Message-ID"][0] != "<abc123@nhsmail-verify.example>" {
		t.Errorf("headers = %v", r.Headers)
	}
}

func TestParseReportJSONFromRaw(t *testing.T) {
	raw := "From: Payroll <payroll@pay-example.test>\r\nSubject: Payslip\r\nDate: Mon, 06 Oct 2025 07:00:00 +0000\r\n\r\nSee https://pay-example.test/slip\r\n"
	body, _ := json.Marshal(map[string]any{"reporter": "ben.turner@trust.nhs.uk", "received_at": "06/10/2025 07:00", "raw": raw})
	r, err := ParseReportJSON(body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Payslip" || r.From != "payroll@pay-example.test" || !slices.Equal(r.URLs, []string{"https://pay-example.test/slip"}) || r.Headers["Subject"] == nil {
		t.Fatalf("report from raw = %+v", r)
	}
}

func TestParseReportJSONFieldErrors(t *testing.T) {
	cases := []struct {
		name, body, field, want string
	}{
		{"syntax", "{\"reporter\": \n,}", "", "line 2"},
		{"empty", "", "", "empty"},
		{"two values", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01","headers":{"a":"b"}} {}`, "", "more than one"},
		{"not an object", `[]`, "body", "must be an object"},
		{"unknown field", `{"reporter":"a@b.nhs.uk","colour":"red"}`, "colour", "unknown field"},
		{"reporter missing", `{"received_at":"2025-01-01","headers":{"a":"b"}}`, "reporter", "required"},
		{"reporter not an address", `{"reporter":"Aisha","received_at":"2025-01-01","headers":{"a":"b"}}`, "reporter", "not an email"},
		{"reporter a number", `{"reporter":7}`, "reporter", "must be a string"},
		{"received_at missing", `{"reporter":"a@b.nhs.uk","headers":{"a":"b"}}`, "received_at", "required"},
		{"received_at bad", `{"reporter":"a@b.nhs.uk","received_at":"10/31/2025","headers":{"a":"b"}}`, "received_at", "month-first"},
		{"neither headers nor raw", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01"}`, "headers", "raw"},
		{"header value a number", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01","headers":{"a":1}}`, "headers", "string or a list"},
		{"header name bad", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01","headers":{"a b":"c"}}`, "headers", "header name"},
		{"urls not a list", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01","headers":{"a":"b"},"urls":"x"}`, "urls", "must be a list"},
		{"relative url", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01","headers":{"a":"b"},"urls":["https://ok.example","/login"]}`, "urls[1]", "absolute"},
		{"raw not a message", `{"reporter":"a@b.nhs.uk","received_at":"2025-01-01","raw":"no headers here"}`, "raw", "RFC 5322"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseReportJSON([]byte(c.body))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want *FieldError", err, err)
			}
			if fe.Field != c.field || !strings.Contains(fe.Error(), c.want) {
				t.Fatalf("error field %q %q; want field %q containing %q", fe.Field, fe.Error(), c.field, c.want)
			}
		})
	}
}

// failingStore refuses every report.
type failingStore struct{}

func (failingStore) AddReport(context.Context, Report) (string, error) {
	return "", errors.New("disk full")
}

func TestReportHandler(t *testing.T) {
	good := string(readTestdata(t, "report.json"))
	cases := []struct {
		name, method, ctype, body string
		store                     ReportStore
		status                    int
		field                     string
	}{
		{"stored", "POST", "application/json", good, nil, http.StatusCreated, ""},
		{"charset allowed", "POST", "application/json; charset=utf-8", good, nil, http.StatusCreated, ""},
		{"bad json names the field", "POST", "application/json", `{"reporter": "x"}`, nil, http.StatusBadRequest, "reporter"},
		{"bad date names the field", "POST", "application/json", strings.Replace(good, "2025-10-07T08:02:11Z", "yesterday", 1), nil, http.StatusBadRequest, "received_at"},
		{"oversize", "POST", "application/json", `{"raw": "` + strings.Repeat("x", 2048) + `"}`, nil, http.StatusRequestEntityTooLarge, ""},
		{"wrong method", "GET", "", "", nil, http.StatusMethodNotAllowed, ""},
		{"wrong type", "POST", "text/plain", good, nil, http.StatusUnsupportedMediaType, ""},
		{"store fails", "POST", "application/json", good, failingStore{}, http.StatusServiceUnavailable, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := &MemoryReports{}
			store := c.store
			if store == nil {
				store = mem
			}
			now := time.Date(2025, 10, 7, 9, 0, 0, 0, time.UTC)
			h := NewReportHandler(store, ReportHandlerOptions{MaxBody: 1024, Now: func() time.Time { return now }})
			req := httptest.NewRequest(c.method, "/api/v1/phishing-reports", strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			var a reportAnswer
			if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
				t.Fatalf("answer %q is not JSON: %v", w.Body, err)
			}
			if w.Code != c.status || a.Field != c.field {
				t.Fatalf("status %d field %q (%s); want %d field %q", w.Code, a.Field, w.Body, c.status, c.field)
			}
			stored := mem.Reports()
			if c.status != http.StatusCreated {
				if len(stored) != 0 || a.Error == "" {
					t.Fatalf("refused request stored %d reports, error %q", len(stored), a.Error)
				}
				return
			}
			if len(stored) != 1 || stored[0].ID != a.ID || !strings.HasPrefix(a.ID, "phr-") || !stored[0].ReportedAt.Equal(now) {
				t.Fatalf("answer id %q, stored %+v", a.ID, stored)
			}
			if loc := w.Header().Get("Location"); loc != "/api/v1/phishing-reports/"+a.ID {
				t.Fatalf("Location = %q", loc)
			}
		})
	}
}

func TestReadReportMail(t *testing.T) {
	cases := []struct {
		file                    string
		reporter, subject, from string
		received                time.Time
		urls                    []string
		header                  string
	}{
		{"forwarded-attached.eml", "aisha.khan@trust.nhs.uk", "Your NHSmail password expires today", "support@nhsmail-verify.example",
			time.Date(2025, 10, 7, 8, 2, 11, 0, time.UTC),
			[]string{"https://nhsmail-verify.example/login?user=aisha&x=1", "http://track.example/p.gif"}, "Message-Id"},
		{"forwarded-inline.eml", "ben.turner@trust.nhs.uk", "Invoice 4471 overdue", "accounts@supplier-payments.example",
			time.Date(2025, 10, 8, 13, 0, 0, 0, time.UTC),
			[]string{"https://supplier-payments.example/pay"}, "Subject"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r, err := ReadReportMail(bytes.NewReader(readTestdata(t, c.file)), c.file)
			if err != nil {
				t.Fatal(err)
			}
			if r.Reporter != c.reporter || r.Subject != c.subject || r.From != c.from || !r.ReceivedAt.Equal(c.received) || r.Via != "mailbox" {
				t.Errorf("report = reporter %q subject %q from %q received %v via %q", r.Reporter, r.Subject, r.From, r.ReceivedAt, r.Via)
			}
			if !slices.Equal(r.URLs, c.urls) {
				t.Errorf("URLs = %q, want %q", r.URLs, c.urls)
			}
			if r.Headers[c.header] == nil || r.Raw == "" {
				t.Errorf("headers %v lack %s, or raw empty", r.Headers, c.header)
			}
		})
	}
}

func TestReadReportMailRefuses(t *testing.T) {
	nested := "From: a@b.nhs.uk\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
	for i := range 8 {
		nested += fmt.Sprintf("--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	for i := 8; i >= 0; i-- {
		nested += fmt.Sprintf("--b%d--\r\n", i)
	}
	cases := []struct{ name, mail, want string }{
		{"not a message", "hello", "malformed"},
		{"no sender", "Subject: hi\r\n\r\nbody", "From: missing"},
		{"bad sender", "From: <<>>\r\n\r\nbody", "From:"},
		{"no boundary", "From: a@b.nhs.uk\r\nContent-Type: multipart/mixed\r\n\r\nbody", "boundary"},
		{"too deep", nested, "nested deeper"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadReportMail(strings.NewReader(c.mail), "msg-1")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "msg-1") {
				t.Fatalf("error %v, want one naming msg-1 containing %q", err, c.want)
			}
		})
	}
}
