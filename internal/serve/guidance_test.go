package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/people"
)

// mailbox is an SMTP server for the tests, over net/textproto: it takes
// any number of sessions and keeps every message delivered. A held
// mailbox greets no one until release is called: a mail server that has
// stopped answering.
type mailbox struct {
	ln   net.Listener
	mu   sync.Mutex
	got  []delivered
	hold chan struct{}
	once sync.Once
}

// delivered is one message as the mailbox received it.
type delivered struct {
	rcpt    []string
	subject string
	body    string
	header  mail.Header
}

func newMailbox(t *testing.T, held bool) *mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb := &mailbox{ln: ln, hold: make(chan struct{})}
	if !held {
		mb.release()
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				mb.session(t, c)
			}()
		}
	}()
	t.Cleanup(func() {
		mb.release()
		ln.Close()
		wg.Wait()
	})
	return mb
}

func (mb *mailbox) addr() string { return mb.ln.Addr().String() }

// release lets a held mailbox answer.
func (mb *mailbox) release() { mb.once.Do(func() { close(mb.hold) }) }

func (mb *mailbox) messages() []delivered {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]delivered(nil), mb.got...)
}

// session speaks EHLO, MAIL, RCPT, DATA, RSET, NOOP and QUIT.
func (mb *mailbox) session(t *testing.T, c net.Conn) {
	defer c.Close()
	<-mb.hold
	tc := textproto.NewConn(c)
	var rcpt []string
	tc.PrintfLine("220 mailbox.test ESMTP")
	for {
		line, err := tc.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			tc.PrintfLine("250-mailbox.test\r\n250 8BITMIME")
		case "MAIL", "RSET", "NOOP":
			tc.PrintfLine("250 ok")
		case "RCPT":
			_, to, _ := strings.Cut(arg, ":")
			rcpt = append(rcpt, strings.Trim(to, "<> "))
			tc.PrintfLine("250 ok")
		case "DATA":
			tc.PrintfLine("354 go on")
			data, err := tc.ReadDotBytes()
			if err != nil {
				return
			}
			mb.keep(t, rcpt, data)
			rcpt = nil
			tc.PrintfLine("250 queued")
		case "QUIT":
			tc.PrintfLine("221 bye")
			return
		default:
			tc.PrintfLine("502 unknown")
		}
	}
}

// keep decodes a message's subject and quoted-printable body.
func (mb *mailbox) keep(t *testing.T, rcpt []string, data []byte) {
	m, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Errorf("mailbox: message does not parse: %v", err)
		return
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Errorf("mailbox: subject: %v", err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Errorf("mailbox: body: %v", err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	mb.got = append(mb.got, delivered{rcpt: rcpt, subject: subj, body: string(body), header: m.Header})
}

// guidanceStaff is the staff directory of the tests. Some rows are
// accounts no one should be sent guidance at, listed as though an HR
// export had picked them up, so that only the account checks stop them.
const guidanceStaff = `staff_id,name,email,username,staff_group,site
1001,Aisha Khan,aisha.khan@trust.example,a.khan,Nursing and Midwifery Registered,St Elsewhere
1002,Joe Bloggs,joe.bloggs@trust.example,adm-jbloggs,Administrative and Clerical,Riverside
1003,Local System,system@trust.example,system,Administrative and Clerical,Riverside
1004,Ward Seven PC,ward7@trust.example,WS-WARD7-01$,Administrative and Clerical,Riverside
1005,PACS Service,pacs@trust.example,svc-pacs,Administrative and Clerical,Riverside
1006,Staff Six,six@trust.example,u6,Allied Health Professionals,Riverside
1007,Staff Seven,seven@trust.example,u7,Allied Health Professionals,Riverside
1008,Staff Eight,eight@trust.example,u8,Allied Health Professionals,Riverside
1009,Staff Nine,nine@trust.example,u9,Allied Health Professionals,Riverside
1010,Staff Ten,ten@trust.example,u10,Allied Health Professionals,Riverside
`

// guidanceTestConfig is a test configuration with guidance by email
// through smtpAddr and the staff directory imported.
func guidanceTestConfig(t *testing.T, smtpAddr string) Config {
	t.Helper()
	cfg := testConfig(t)
	csv := filepath.Join(t.TempDir(), "staff.csv")
	writeTestFile(t, csv, guidanceStaff)
	st, err := people.OpenStore(cfg.Data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), people.ImportFiles{Staff: csv}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	cfg.People.Guidance = GuidanceConfig{Enabled: true, From: "cyber-security@trust.example",
		SMTP: &GuidanceSMTP{Addr: smtpAddr, StartTLS: "off"}}
	return cfg
}

// metric reads one sample of /metrics, such as
// vigil_guidance_skipped_total{reason="rate_limited"}; -1 when absent.
func (ts *testService) metric(t *testing.T, sample string) float64 {
	t.Helper()
	resp, err := http.Get(ts.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %q", sample, v)
			}
			return f
		}
	}
	return -1
}

// failedLogons is the password-guessing sequence of the rule pack's tests
// (a.khan fails 20 times in five minutes), moved to another day so that
// it raises a new alert.
func failedLogons(t *testing.T, day string) []byte {
	seq := readFile(t, "..", "..", "rules", "testdata", "mr_failed_logon_burst_one_account", "sequence.jsonl")
	return bytes.ReplaceAll(seq, []byte("2026-11-19"), []byte(day))
}

// guidanceNotes returns the guidance notes of every stored alert, by
// alert id.
func guidanceNotes(t *testing.T, ts *testService) map[string][]alert.Note {
	t.Helper()
	all, err := ts.svc.store.Alerts(context.Background(), alert.Query{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]alert.Note{}
	for _, a := range all {
		for _, n := range a.History {
			if n.Action == markGuidance {
				out[a.ID] = append(out[a.ID], n)
			}
		}
	}
	return out
}

func TestGuidanceSentOnceRecordedAndThrottledAcrossRestarts(t *testing.T) {
	mb := newMailbox(t, false)
	cfg := guidanceTestConfig(t, mb.addr())
	ts := startService(t, cfg)
	ts.post(t, failedLogons(t, "2026-11-19"))
	waitFor(t, "the guidance email", func() bool { return len(mb.messages()) == 1 })
	m := mb.messages()[0]
	if len(m.rcpt) != 1 || m.rcpt[0] != "aisha.khan@trust.example" || m.subject != "Someone tried to guess your password" {
		t.Fatalf("message to %v, subject %q", m.rcpt, m.subject)
	}
	if from := m.header.Get("From"); from != "cyber-security@trust.example" {
		t.Errorf("From %q", from)
	}
	for _, want := range []string{"Hello Aisha,", "November 2026", "not something you did"} {
		if !strings.Contains(m.body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.body)
		}
	}
	var noted string
	waitFor(t, "the note on the alert", func() bool {
		for id, notes := range guidanceNotes(t, ts) {
			noted = id
			return len(notes) == 1 && notes[0].By == alert.ByVigil && strings.Contains(notes[0].Text, "password-spray, sent to staff id 1001 by email")
		}
		return false
	})

	// Another day's guessing is a new alert within the week: no message.
	ts.post(t, failedLogons(t, "2026-11-20"))
	waitFor(t, "the second alert to be throttled", func() bool {
		return ts.metric(t, `vigil_guidance_skipped_total{reason="rate_limited"}`) == 1
	})
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}

	// After a restart the week still holds.
	ts = startService(t, cfg)
	ts.post(t, failedLogons(t, "2026-11-21"))
	waitFor(t, "the third alert to be throttled", func() bool {
		return ts.metric(t, `vigil_guidance_skipped_total{reason="rate_limited"}`) == 1
	})
	if n := len(mb.messages()); n != 1 || ts.metric(t, "vigil_guidance_sent_total") != 0 {
		t.Fatalf("%d messages in all, want the first only", n)
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}

	// The record is what the board pack reads, and a training touch.
	saved, ok, err := people.LoadSaved(cfg.Data)
	if err != nil || !ok {
		t.Fatalf("LoadSaved: %v, %v", ok, err)
	}
	if len(saved.Guidance) != 1 || saved.Guidance[0].StaffID != "1001" || saved.Guidance[0].Topic != people.TopicPasswordSpray || saved.Guidance[0].AlertID != noted {
		t.Fatalf("guidance recorded %+v, want one for 1001 on alert %s", saved.Guidance, noted)
	}
	dir, err := people.NewDirectory(saved.Imported.Staff)
	if err != nil {
		t.Fatal(err)
	}
	touches := []people.Touch{{StaffID: saved.Guidance[0].StaffID, Topic: saved.Guidance[0].Topic, At: saved.Guidance[0].At}}
	fig := people.NewTraining(dir, nil).Rollup(time.Now().Add(time.Minute), nil, touches).Overall
	if fig.GuidanceReceived != 1 || fig.GuidanceTouches != 1 {
		t.Fatalf("training figures %+v, want one person given guidance once", fig)
	}
}

// exfiltration is the rule pack's rclone exfiltration event run by user
// on host.
func exfiltration(t *testing.T, user, host string) []byte {
	line, _, _ := bytes.Cut(readFile(t, "..", "..", "rules", "testdata", "proc_win_exfiltration_tool_cloud", "match.jsonl"), []byte("\n"))
	var ev map[string]any
	if err := json.Unmarshal(line, &ev); err != nil {
		t.Fatal(err)
	}
	ev["User"], ev["Computer"] = user, host
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestGuidanceOnlyForPeopleInTheDirectory(t *testing.T) {
	mb := newMailbox(t, false)
	ts := startService(t, guidanceTestConfig(t, mb.addr()))
	cases := []struct{ user, reason string }{
		{`NT AUTHORITY\SYSTEM`, skipNotPerson},
		{`NHT\WS-WARD7-01$`, skipNotPerson},
		{`NHT\svc-pacs`, skipNotPerson},
		{`NHT\contractor9`, skipNotInDir},
		{`NHT\adm-jbloggs`, ""},
	}
	var body []byte
	for i, c := range cases {
		body = append(body, exfiltration(t, c.user, fmt.Sprintf("FS%02d.nht.example", i))...)
	}
	ts.post(t, body)
	want := map[string]float64{skipNotPerson: 3, skipNotInDir: 1}
	waitFor(t, "every alert to be considered", func() bool {
		return ts.metric(t, "vigil_guidance_sent_total") == 1 &&
			ts.metric(t, `vigil_guidance_skipped_total{reason="not_a_person"}`) == want[skipNotPerson] &&
			ts.metric(t, `vigil_guidance_skipped_total{reason="not_in_directory"}`) == want[skipNotInDir]
	})
	got := mb.messages()
	if len(got) != 1 || got[0].rcpt[0] != "joe.bloggs@trust.example" || !strings.Contains(got[0].body, "Hello Joe,") {
		t.Fatalf("messages %+v, want one to Joe Bloggs", got)
	}
}

func TestGuidanceSlowMailServerDoesNotBlockTheDetector(t *testing.T) {
	mb := newMailbox(t, true)
	cfg := guidanceTestConfig(t, mb.addr())
	cfg.People.Guidance.Queue = 1
	ts := startService(t, cfg)
	var body []byte
	for i := 6; i <= 10; i++ {
		body = append(body, exfiltration(t, fmt.Sprintf(`NHT\u%d`, i), fmt.Sprintf("PC%02d.nht.example", i))...)
	}
	ts.post(t, body)
	// The mail server answers no one, yet every alert is committed, and
	// what the queue cannot hold is dropped and counted.
	waitFor(t, "the detector to commit every alert", func() bool {
		all, err := ts.svc.store.Alerts(context.Background(), alert.Query{RuleID: "", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		hosts := map[string]bool{}
		for _, a := range all {
			hosts[a.Host] = true
		}
		return len(hosts) == 5
	})
	waitFor(t, "the drops to be counted", func() bool { return ts.metric(t, "vigil_guidance_dropped_total") >= 3 })
	if n := len(mb.messages()); n != 0 {
		t.Fatalf("%d messages through a mail server that has not answered", n)
	}
	mb.release()
	// Once it answers, what was in hand is sent: every message is sent
	// or counted as dropped.
	waitFor(t, "the messages in hand to be sent", func() bool {
		return ts.metric(t, "vigil_guidance_sent_total")+ts.metric(t, "vigil_guidance_dropped_total") == 5
	})
	if n := len(mb.messages()); n < 1 || n > 2 {
		t.Fatalf("%d messages delivered, want the one in flight and at most one queued", n)
	}
}

func TestGuidanceByWebhook(t *testing.T) {
	type payload struct {
		Version  int            `json:"version"`
		Guidance people.Message `json:"guidance"`
	}
	got := make(chan payload, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil || r.Header.Get("Authorization") != "Bearer g" {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		got <- p
	}))
	defer hook.Close()
	t.Setenv("VIGIL_TEST_GUIDANCE_AUTH", "Bearer g")
	cfg := guidanceTestConfig(t, "")
	cfg.People.Guidance = GuidanceConfig{Enabled: true, Via: viaWebhook,
		Webhook: &WebhookConfig{URL: hook.URL, HeadersEnv: map[string]string{"Authorization": "VIGIL_TEST_GUIDANCE_AUTH"}}}
	ts := startService(t, cfg)
	ts.post(t, exfiltration(t, "joe.bloggs@trust.example", "FS01.nht.example"))
	select {
	case p := <-got:
		g := p.Guidance
		if p.Version != 1 || g.StaffID != "1002" || g.To != "joe.bloggs@trust.example" || g.Topic != people.TopicDataSentOutside || g.AlertID == "" || !strings.Contains(g.Body, "Hello Joe,") {
			t.Fatalf("payload %+v", p)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no guidance posted to the webhook")
	}
	waitFor(t, "the note on the alert", func() bool {
		for _, notes := range guidanceNotes(t, ts) {
			return strings.HasSuffix(notes[0].Text, "by webhook")
		}
		return false
	})
}

func TestGuidanceTemplatesFromConfig(t *testing.T) {
	mb := newMailbox(t, false)
	cfg := guidanceTestConfig(t, mb.addr())
	folder := t.TempDir()
	writeTestFile(t, filepath.Join(folder, "data-sent-outside.tmpl"),
		`{{define "subject"}}A note from the IG team{{end}}{{define "body"}}Dear {{.FirstName}}, about {{.Host}}.{{end}}`)
	cfg.People.Guidance.Templates = folder
	ts := startService(t, cfg)
	ts.post(t, exfiltration(t, `NHT\adm-jbloggs`, "FS01.nht.example"))
	waitFor(t, "the guidance email", func() bool { return len(mb.messages()) == 1 })
	if m := mb.messages()[0]; m.subject != "A note from the IG team" || strings.TrimSpace(m.body) != "Dear Joe, about FS01.nht.example." {
		t.Fatalf("subject %q, body %q: want the folder's template", m.subject, m.body)
	}

	// A template that does not parse stops the start, naming the file.
	writeTestFile(t, filepath.Join(folder, "malware.tmpl"), `{{define "subject"}}{{.Nope{{end}}`)
	cfg.Data = t.TempDir()
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), "people.guidance.templates") || !strings.Contains(err.Error(), "malware.tmpl") {
		t.Fatalf("New with a broken template: %v", err)
	}
	if err := os.Remove(filepath.Join(folder, "malware.tmpl")); err != nil {
		t.Fatal(err)
	}
}
