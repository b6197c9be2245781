package people

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func TestTopicFor(t *testing.T) {
	cases := []struct {
		title string
		tags  []string
		want  Topic
	}{
		{"Password spray against many accounts", []string{"attack.credential_access", "attack.t1110.003"}, TopicPasswordSpray},
		{"Valid account used from a new country", []string{"attack.t1078"}, TopicRiskyLogon},
		{"Logon from an unusual host", nil, TopicRiskyLogon},
		{"User clicked a known phishing URL", []string{"attack.initial_access", "attack.t1566.002"}, TopicClickedLink},
		{"Ransomware note written", []string{"attack.impact", "attack.t1486"}, TopicMalware},
		{"EICAR test file", []string{"attack.t1204.002"}, TopicMalware},
		{"Large upload to a file-sharing site", []string{"attack.exfiltration", "attack.t1567.002"}, TopicDataSentOutside},
		{"Brute force then a successful logon", []string{"attack.t1078", "attack.t1110"}, TopicPasswordSpray}, // the more specific topic wins
		{"Suspicious service installed", []string{"attack.persistence", "attack.t1543.003"}, ""},
		{"Not a sub-technique", []string{"attack.t11100"}, ""},
	}
	for _, c := range cases {
		got, ok := TopicFor(c.title, c.tags)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("TopicFor(%q, %v) = %q, %v; want %q", c.title, c.tags, got, ok, c.want)
		}
	}
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recordSender keeps the messages sent; fail makes it refuse them.
type recordSender struct {
	mu   sync.Mutex
	sent []Message
	fail bool
}

func (s *recordSender) Send(_ context.Context, m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("smtp: connection refused")
	}
	s.sent = append(s.sent, m)
	return nil
}

func newTestGuide(t *testing.T) (*Guide, *clock, *recordSender) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s := &recordSender{}
	g := NewGuide(testDirectory(t), GuideOptions{Sender: s, Now: clk.now, Location: time.UTC})
	return g, clk, s
}

var sprayFacts = Facts{AlertID: "al-1", RuleTitle: "Password spray", Tags: []string{"attack.t1110.003"}, Level: "high",
	User: `TRUST\akhan`, Host: "WS-WARD7-01", Time: time.Date(2026, 3, 2, 8, 55, 0, 0, time.UTC)}

func TestGuideRendersForThePerson(t *testing.T) {
	g, _, s := newTestGuide(t)
	m, err := g.Advise(context.Background(), sprayFacts)
	if err != nil {
		t.Fatal(err)
	}
	if m.StaffID != "1001" || m.To != "aisha.khan@trust.nhs.uk" || m.Topic != TopicPasswordSpray || m.Subject != "Someone tried to guess your password" {
		t.Fatalf("message = %+v", m)
	}
	for _, want := range []string{"Hello Aisha,", "Monday 2 March 2026 at 08:55", "not something you did"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	if len(s.sent) != 1 || s.sent[0].Body != m.Body {
		t.Fatalf("sent %d messages", len(s.sent))
	}
	ts := g.Touches()
	if len(ts) != 1 || ts[0].StaffID != "1001" || ts[0].Topic != TopicPasswordSpray || ts[0].AlertID != "al-1" {
		t.Fatalf("touches = %+v", ts)
	}
}

func TestGuideRateLimit(t *testing.T) {
	g, clk, s := newTestGuide(t)
	ctx := context.Background()
	link := Facts{AlertID: "al-2", RuleTitle: "Clicked phishing link", Tags: []string{"attack.t1566.002"}, Level: "medium", User: "aisha.khan@trust.nhs.uk"}
	steps := []struct {
		advance time.Duration
		facts   Facts
		wantErr error
	}{
		{0, sprayFacts, nil},
		{time.Hour, sprayFacts, ErrRateLimited}, // same person and topic within the week
		{0, link, nil},                          // another topic is not limited
		{6*24*time.Hour + 22*time.Hour, sprayFacts, ErrRateLimited}, // 6 days 23 hours after the first
		{time.Hour, sprayFacts, nil},                                // a week after the first
	}
	for i, st := range steps {
		clk.add(st.advance)
		_, err := g.Advise(ctx, st.facts)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("step %d: error %v, want %v", i, err, st.wantErr)
		}
	}
	if len(s.sent) != 3 || len(g.Touches()) != 3 {
		t.Fatalf("sent %d, touches %d; want 3 and 3", len(s.sent), len(g.Touches()))
	}
}

func TestGuideSaysWhyNot(t *testing.T) {
	g, _, s := newTestGuide(t)
	noTopic := sprayFacts
	noTopic.RuleTitle, noTopic.Tags = "Service installed", []string{"attack.t1543.003"}
	minor := sprayFacts
	minor.Level = "low"
	stranger := sprayFacts
	stranger.User = `TRUST\contractor9`
	cases := []struct {
		name  string
		facts Facts
		want  error
		text  string
	}{
		{"no topic", noTopic, ErrNoTopic, "Service installed"},
		{"too minor", minor, ErrTooMinor, `"low"`},
		{"no person", stranger, ErrNoPerson, `contractor9`},
	}
	for _, c := range cases {
		_, err := g.Advise(context.Background(), c.facts)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: error %v, want %v naming %s", c.name, err, c.want, c.text)
		}
	}
	if len(s.sent) != 0 || len(g.Touches()) != 0 {
		t.Fatalf("sent %d, touched %d for alerts that get no guidance", len(s.sent), len(g.Touches()))
	}
}

func TestGuideSendFailureKeepsTheSlot(t *testing.T) {
	g, _, s := newTestGuide(t)
	s.fail = true
	if _, err := g.Advise(context.Background(), sprayFacts); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error %v, want the sender's", err)
	}
	s.fail = false
	if _, err := g.Advise(context.Background(), sprayFacts); err != nil {
		t.Fatalf("after a failed send the next try was refused: %v", err)
	}
	if len(g.Touches()) != 1 {
		t.Fatalf("touches = %d, want 1 (the delivered one)", len(g.Touches()))
	}
}

func TestGuideRestoreKeepsTheLimit(t *testing.T) {
	g, clk, _ := newTestGuide(t)
	g.Restore([]Touch{{StaffID: "1001", Topic: TopicPasswordSpray, At: clk.now().Add(-24 * time.Hour)}})
	if _, err := g.Advise(context.Background(), sprayFacts); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("error %v, want ErrRateLimited from the restored touch", err)
	}
}

func TestGuideStripsControlCharacters(t *testing.T) {
	g, _, _ := newTestGuide(t)
	f := Facts{RuleTitle: "Malware found", Level: "critical", User: "dpatel", Host: "PC1\r\nBcc: everyone@trust.nhs.uk"}
	m, err := g.Advise(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") || !strings.Contains(m.Subject, "PC1  Bcc") {
		t.Fatalf("subject %q carries the host's line break", m.Subject)
	}
}

func TestLoadTemplates(t *testing.T) {
	good := `{{define "subject"}}Check-in for {{.FirstName}}{{end}}{{define "body"}}Hi {{.Name}} on {{.Host}}{{end}}`
	cases := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"override", fstest.MapFS{"risky-logon.tmpl": {Data: []byte(good)}}, ""},
		{"unknown topic", fstest.MapFS{"risky-login.tmpl": {Data: []byte(good)}}, "no topic"},
		{"no body", fstest.MapFS{"malware.tmpl": {Data: []byte(`{{define "subject"}}x{{end}}`)}}, `no "body"`},
		{"parse error", fstest.MapFS{"malware.tmpl": {Data: []byte(`{{define "subject"}}{{.Nope{{end}}`)}}, "malware.tmpl"},
		{"unknown field", fstest.MapFS{"malware.tmpl": {Data: []byte(`{{define "subject"}}{{.Email}}{{end}}{{define "body"}}x{{end}}`)}}, "Email"},
		{"two-line subject", fstest.MapFS{"malware.tmpl": {Data: []byte("{{define \"subject\"}}a\nb{{end}}{{define \"body\"}}x{{end}}")}}, "spans lines"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm, err := LoadTemplates(c.files)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			subj, body, err := tm.Render(TopicRiskyLogon, GuidanceData{FirstName: "Ben", Name: "Ben Turner", Host: "WS1"})
			if err != nil || subj != "Check-in for Ben" || body != "Hi Ben Turner on WS1" {
				t.Fatalf("Render = %q, %q, %v", subj, body, err)
			}
			if subj, _, _ := tm.Render(TopicMalware, GuidanceData{FirstName: "Ben"}); !strings.Contains(subj, "harmful") {
				t.Fatalf("a topic without a file lost its default: %q", subj)
			}
		})
	}
}

func TestDefaultTemplatesAreBlameFree(t *testing.T) {
	tm := DefaultTemplates()
	for _, topic := range Topics {
		subj, body, err := tm.Render(topic, GuidanceData{FirstName: "Sam", Name: "Sam Example", Host: "WS1", When: "today"})
		if err != nil {
			t.Fatalf("%s: %v", topic, err)
		}
		words := len(strings.Fields(body))
		if subj == "" || words > 150 || !strings.Contains(body, "Hello Sam") {
			t.Errorf("%s: subject %q, %d words", topic, subj, words)
		}
		for _, blame := range []string{"you failed", "your fault.", "you should have", "careless", "disciplinary"} {
			if strings.Contains(strings.ToLower(body), blame) {
				t.Errorf("%s: body says %q", topic, blame)
			}
		}
	}
}

func TestGuideClaimHoldsTheSlotUntilDeliveredOrReleased(t *testing.T) {
	g, clk, s := newTestGuide(t)
	ctx := context.Background()
	m, err := g.Claim(sprayFacts)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 0 || len(g.Touches()) != 0 {
		t.Fatalf("Claim sent %d and recorded %d; it must do neither", len(s.sent), len(g.Touches()))
	}
	if _, err := g.Claim(sprayFacts); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("second claim while the first is held: %v, want ErrRateLimited", err)
	}
	g.Release(m)
	m2, err := g.Claim(sprayFacts)
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	if err := g.Deliver(ctx, m2); err != nil {
		t.Fatal(err)
	}
	// A stale release (of the first claim) leaves the delivered one alone.
	g.Release(m)
	clk.add(time.Hour)
	if _, err := g.Claim(sprayFacts); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("claim after a stale release: %v, want ErrRateLimited", err)
	}
	if len(s.sent) != 1 || len(g.Touches()) != 1 || g.Touches()[0].AlertID != "al-1" {
		t.Fatalf("sent %d, touches %+v; want the one delivered", len(s.sent), g.Touches())
	}
}

func TestGuideReleaseRestoresTheEarlierSlot(t *testing.T) {
	g, clk, _ := newTestGuide(t)
	ctx := context.Background()
	if _, err := g.Advise(ctx, sprayFacts); err != nil {
		t.Fatal(err)
	}
	clk.add(DefaultGuidanceInterval + time.Minute)
	m, err := g.Claim(sprayFacts)
	if err != nil {
		t.Fatalf("claim a week later: %v", err)
	}
	g.Release(m) // the week-old message is the last given again
	if _, err := g.Claim(sprayFacts); err != nil {
		t.Fatalf("after release the slot should follow the week-old message: %v", err)
	}
}

func TestGuideReleaseOfADeliveredMessageIsIgnored(t *testing.T) {
	g, _, _ := newTestGuide(t)
	m, err := g.Advise(context.Background(), sprayFacts)
	if err != nil {
		t.Fatal(err)
	}
	g.Release(m)
	if _, err := g.Claim(sprayFacts); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("claim after releasing a delivered message: %v, want ErrRateLimited", err)
	}
}

// TestGuideSetDirectory: a Guide made before any directory finds no one;
// given one, it finds its people; given a later one, it finds the
// newcomer and no longer the leaver, with the rate limit kept by staff id.
func TestGuideSetDirectory(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	g := NewGuide(nil, GuideOptions{Now: clk.now, Location: time.UTC})
	ctx := context.Background()
	if _, err := g.Advise(ctx, sprayFacts); !errors.Is(err, ErrNoPerson) {
		t.Fatalf("without a directory: %v, want ErrNoPerson", err)
	}
	g.SetDirectory(testDirectory(t))
	if _, err := g.Advise(ctx, sprayFacts); err != nil {
		t.Fatalf("after SetDirectory: %v", err)
	}
	next, err := NewDirectory([]Person{
		{ID: "1001", Name: "Aisha Khan", Email: "aisha.khan@trust.nhs.uk", Username: "akhan"},
		{ID: "2001", Name: "Gwen Hale", Email: "gwen.hale@trust.nhs.uk", Username: "ghale"},
	})
	if err != nil {
		t.Fatal(err)
	}
	g.SetDirectory(next)
	newcomer, leaver := sprayFacts, sprayFacts
	newcomer.AlertID, newcomer.User = "al-2", `TRUST\ghale`
	leaver.AlertID, leaver.User = "al-3", `TRUST\bturner`
	cases := []struct {
		name  string
		facts Facts
		want  error
	}{
		{"the newcomer", newcomer, nil},
		{"someone only in the old directory", leaver, ErrNoPerson},
		{"a person in both, within the week", sprayFacts, ErrRateLimited},
	}
	for _, c := range cases {
		if _, err := g.Advise(ctx, c.facts); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
