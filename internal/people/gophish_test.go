package people

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func readTestCampaigns(t *testing.T) (Campaign, Campaign) {
	t.Helper()
	csvC, err := ReadGoPhishCSV(bytes.NewReader(readTestdata(t, "gophish-results.csv")), "gophish-results.csv", "September parcel lure")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ReadGoPhishJSON(bytes.NewReader(readTestdata(t, "gophish-campaign.json")), "gophish-campaign.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("read %d campaigns from the JSON, want 1", len(cs))
	}
	return csvC, cs[0]
}

func TestGoPhishMetrics(t *testing.T) {
	csvC, jsonC := readTestCampaigns(t)
	if jsonC.ID != "7" || jsonC.Name != "October invoice lure" || !jsonC.Launched.Equal(time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("campaign = %q %q %v", jsonC.ID, jsonC.Name, jsonC.Launched)
	}
	cases := []struct {
		name string
		got  CampaignMetrics
		want CampaignMetrics
	}{
		{"csv", csvC.Metrics(), CampaignMetrics{Campaign: "September parcel lure", Sent: 4, Opened: 3, Clicked: 2, Submitted: 1, Reported: 2,
			OpenRate: 0.75, ClickRate: 0.5, SubmitRate: 0.25, ReportRate: 0.5}},
		{"json", jsonC.Metrics(), CampaignMetrics{Campaign: "October invoice lure", Sent: 4, Opened: 3, Clicked: 3, Submitted: 1, Reported: 2,
			OpenRate: 0.75, ClickRate: 0.75, SubmitRate: 0.25, ReportRate: 0.5, MedianTimeToReport: 25 * time.Minute, TimedReports: 2}},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s metrics = %+v\nwant %+v", c.name, c.got, c.want)
		}
	}
}

func TestPhishingProgramme(t *testing.T) {
	csvC, jsonC := readTestCampaigns(t)
	f := Phishing([]Campaign{csvC, jsonC})
	o := f.Overall
	if o.Sent != 8 || o.Clicked != 5 || o.Submitted != 2 || o.Reported != 4 || o.ReportRate != 0.5 || o.MedianTimeToReport != 25*time.Minute || o.TimedReports != 2 {
		t.Errorf("overall = %+v", o)
	}
	if len(f.Campaigns) != 2 {
		t.Fatalf("campaigns = %d", len(f.Campaigns))
	}
	want := []string{"carys.evans@trust.nhs.uk", "dev.patel@trust.nhs.uk"}
	if len(f.RepeatClickers) != len(want) {
		t.Fatalf("repeat clickers = %+v", f.RepeatClickers)
	}
	for i, w := range want {
		rc := f.RepeatClickers[i]
		if rc.Email != w || len(rc.Campaigns) != 2 || rc.Campaigns[0] != "September parcel lure" {
			t.Errorf("repeat clicker %d = %+v, want %s in both campaigns", i, rc, w)
		}
	}
	if empty := Phishing(nil); empty.Overall.ReportRate != 0 || len(empty.RepeatClickers) != 0 {
		t.Errorf("no campaigns: %+v", empty)
	}
}

func TestMedian(t *testing.T) {
	m := time.Minute
	cases := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0}, {[]time.Duration{5 * m}, 5 * m}, {[]time.Duration{9 * m, m, 5 * m}, 5 * m}, {[]time.Duration{40 * m, 10 * m}, 25 * m},
	}
	for _, c := range cases {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestReadGoPhishCSVRefuses(t *testing.T) {
	const header = "id,status,ip,latitude,longitude,send_date,reported,modified_date,email,first_name,last_name,position\n"
	cases := []struct {
		name, csv string
		line      int
		want      string
	}{
		{"no email column", "id,status\n1,Email Sent\n", 1, "missing required column(s): email"},
		{"unknown status", header + "1,Phished,,0,0,,false,,a@x.nhs.uk,A,B,C\n", 2, "unknown status"},
		{"bad reported", header + "1,Email Sent,,0,0,,maybe,,a@x.nhs.uk,A,B,C\n", 2, "reported"},
		{"bad send date", header + "1,Email Sent,,0,0,13/13/2025,false,,a@x.nhs.uk,A,B,C\n", 2, "send_date"},
		{"duplicate email", header + "1,Email Sent,,0,0,,false,,a@x.nhs.uk,A,B,C\n2,Email Sent,,0,0,,false,,A@x.nhs.uk,A,B,C\n", 3, "already given on line 2"},
		{"empty email", header + "1,Email Sent,,0,0,,false,,,A,B,C\n", 2, "email: empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			camp, err := ReadGoPhishCSV(strings.NewReader(c.csv), "results.csv", "c")
			if len(camp.Recipients) != 0 {
				t.Fatalf("got %d recipients from a bad file", len(camp.Recipients))
			}
			wantImportError(t, err, c.line, c.want)
		})
	}
}

func TestReadGoPhishJSONRefuses(t *testing.T) {
	cases := []struct {
		name, json string
		line       int
		want       string
	}{
		{"syntax", "{\"name\": \"x\",\n\"results\": [}", 2, "invalid JSON"},
		{"not an object", `"campaign"`, 1, "expected a campaign object"},
		{"no results", "{\"name\": \"x\"}", 1, "results: missing"},
		{"empty email", "{\"results\": [\n{\"status\": \"Email Sent\"},\n{\"email\": \"\", \"status\": \"Email Sent\"}]}", 2, "results[0].email"},
		{"unknown status", "{\"results\": [\n\n{\"email\": \"a@x\", \"status\": \"Pwned\"}]}", 3, "unknown status"},
		{"reported as text", "{\"results\": [{\"email\": \"a@x\", \"status\": \"Email Sent\",\n\"reported\": \"yes\"}]}", 2, "results[0].reported"},
		{"duplicate", "{\"results\": [{\"email\": \"a@x\", \"status\": \"Email Sent\"},\n{\"email\": \"A@x\", \"status\": \"Email Sent\"}]}", 2, "twice"},
		{"stranger in timeline", "{\"results\": [{\"email\": \"a@x\", \"status\": \"Email Sent\"}],\n\"timeline\": [\n{\"email\": \"b@x\", \"message\": \"Clicked Link\", \"time\": \"2025-01-01T00:00:00Z\"}]}", 3, "not in the results"},
		{"bad event time", "{\"results\": [{\"email\": \"a@x\", \"status\": \"Email Sent\"}],\n\"timeline\": [{\"email\": \"a@x\", \"message\": \"Email Reported\", \"time\": \"01/13/2025\"}]}", 2, "timeline[0].time"},
		{"trailing", "[{\"results\": []}] {}", 1, "more after the end"},
		{"truncated", "[{\"results\": [", 1, "ends early"},
		{"results not a list", "{\"results\": {}}", 1, "must be a list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs, err := ReadGoPhishJSON(strings.NewReader(c.json), "campaign.json")
			if cs != nil {
				t.Fatalf("got %d campaigns from a bad file", len(cs))
			}
			wantImportError(t, err, c.line, c.want)
		})
	}
}

func TestReadGoPhishJSONList(t *testing.T) {
	in := `[{"id": "a", "name": "one", "results": []}, {"id": 2, "name": "two", "results": [{"email": "x@y", "status": "Scheduled"}]}]`
	cs, err := ReadGoPhishJSON(strings.NewReader(in), "list.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != "a" || cs[1].ID != "2" || cs[1].Metrics().Sent != 0 {
		t.Fatalf("campaigns = %+v", cs)
	}
}
