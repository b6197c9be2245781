package browsertest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	vreport "github.com/vigilhealth/vigil/internal/report"
)

// frameState is what the reports page's frame shows: its heading, the
// colour of its section rules (set by the report's own style element,
// which the report's Content-Security-Policy admits by its hash), and
// its text.
type frameState struct {
	H1     string `json:"h1"`
	Border string `json:"border"`
	Text   string `json:"text"`
}

const readFrame = `(() => {
	const f = document.querySelector("iframe.report-frame");
	const d = f && f.contentDocument;
	const h1 = d && d.querySelector("h1"), h2 = d && d.querySelector("h2");
	return {h1: h1 ? h1.textContent : "", border: h2 ? getComputedStyle(h2).borderBottomColor : "", text: d && d.body ? d.body.innerText : ""};
})()`

// TestBoardDownloadsTheBoardPack: a board member opens the reports page,
// sees the board pack in its frame, styled, with the incidents counted
// but not named, and downloads the PDF, which is a valid PDF.
func TestBoardDownloadsTheBoardPack(t *testing.T) {
	v := sharedVigil(t)
	b := startBrowser(t)
	b.login(t, v, "bo.ard")
	page := "/reports?period=" + attackQuarter(t, v)
	if status := b.open(t, v.base+page); status != 200 {
		t.Fatalf("%s answered %d:\n%s", page, status, b.text(t))
	}
	frame := b.waitFrame(t)
	if frame.Border != "rgb(31, 95, 168)" {
		t.Errorf("the report in the frame is not styled (its style element was blocked?): h2 border %q", frame.Border)
	}
	if !strings.Contains(frame.Text, "Incident 1") {
		t.Errorf("the board's pack does not count the demo attack's incidents:\n%.2000s", frame.Text)
	}
	for _, inc := range v.list("/api/v1/incidents", "incidents") {
		if title, _ := inc["title"].(string); title != "" && strings.Contains(frame.Text, title) {
			t.Errorf("the board's pack names incident %q", title)
		}
	}
	// The shot shows the downloads and the top of the pack in its frame.
	b.do(t, "scroll to the reports", chromedp.Evaluate[chromedp.Void](`document.getElementById("downloads").scrollIntoView()`))
	b.shot(t, "reports")
	href := run(t, b, "find the PDF link", chromedp.Evaluate[string](`(() => { const a = document.querySelector('main a[href^="/reports/board"][href$="format=pdf"]'); return a ? a.getAttribute("href") : ""; })()`))
	if href == "" {
		t.Fatalf("no PDF link on the reports page:\n%s", b.text(t))
	}
	got := b.fetchBytes(t, href)
	if got.Status != 200 || got.Type != "application/pdf" || !strings.HasPrefix(got.Disposition, "attachment") {
		t.Fatalf("%s answered %d %q %q", href, got.Status, got.Type, got.Disposition)
	}
	pdf, err := base64.StdEncoding.DecodeString(got.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := validPDF(pdf); err != nil {
		t.Errorf("the board pack downloaded from %s is not a valid PDF: %v", href, err)
	}
	if validPDF(bytes.Replace(pdf, []byte("1 0 obj"), []byte("1 0 jbo"), 1)) == nil {
		t.Error("validPDF passes a PDF whose first object is not where the xref table says")
	}
}

// attackQuarter names the quarter (in London) holding the latest of the
// incidents' last events. The page's default, the quarter of the day it
// runs, would miss the attack when a quarter begins between the attack
// being played and the page being opened (just after midnight on 1
// January, April, July or October).
func attackQuarter(t *testing.T, v *vigil) string {
	t.Helper()
	var last time.Time
	for _, inc := range v.list("/api/v1/incidents", "incidents") {
		s, _ := inc["last_seen"].(string)
		if at, err := time.Parse(time.RFC3339Nano, s); err == nil && at.After(last) {
			last = at
		}
	}
	if last.IsZero() {
		t.Fatal("no incident with a last_seen time to choose the board pack's quarter by")
	}
	return vreport.QuarterOf(last).Name
}

// waitFrame waits until the reports page's frame holds the board pack.
func (b *browser) waitFrame(t *testing.T) frameState {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		f := run(t, b, "read the frame", chromedp.Evaluate[frameState](readFrame))
		if f.H1 == "Cyber security board report" {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for the board pack in the frame; it shows %q:\n%.500s", f.H1, f.Text)
		}
		time.Sleep(100 * time.Millisecond) // polling the frame's document
	}
}

// download is what fetching a file from the page answered, its body in
// base64 (it may be binary).
type download struct {
	Status      int    `json:"status"`
	Type        string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"`
}

// fetchBytes fetches path from the page with the session, as a click on
// a download link does.
func (b *browser) fetchBytes(t *testing.T, path string) download {
	t.Helper()
	js := fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => {
		const bytes = new Uint8Array(await r.arrayBuffer());
		let s = ""; for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
		return {status: r.status, type: r.headers.get("Content-Type") || "", disposition: r.headers.get("Content-Disposition") || "", body: btoa(s)};
	})`, path)
	return run(t, b, "download "+path, chromedp.Evaluate[download](js, chromedp.EvalAwaitPromise))
}

var (
	xrefEntry = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])\s*$`)
	objStart  = regexp.MustCompile(`^(\d+) 0 obj`)
)

// validPDF checks a PDF's structure: the header, the end marker, the
// cross-reference table that startxref points at, and every object it
// lists starting at its byte offset, and a catalog and a page.
func validPDF(pdf []byte) error {
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		return fmt.Errorf("header %.8q", pdf)
	}
	if !bytes.HasSuffix(bytes.TrimRight(pdf, "\r\n"), []byte("%%EOF")) {
		return fmt.Errorf("no %%%%EOF at the end")
	}
	i := bytes.LastIndex(pdf, []byte("startxref"))
	if i < 0 {
		return fmt.Errorf("no startxref")
	}
	fields := strings.Fields(string(pdf[i+len("startxref"):]))
	off, err := strconv.Atoi(fields[0])
	if err != nil || off <= 0 || off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		return fmt.Errorf("startxref %q does not point at the xref table", fields[0])
	}
	lines := strings.Split(string(pdf[off:]), "\n")
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil || count < 3 {
		return fmt.Errorf("xref subsection %q", lines[1])
	}
	for n := 1; n < count; n++ {
		m := xrefEntry.FindStringSubmatch(lines[2+n])
		if m == nil || m[3] != "n" {
			return fmt.Errorf("xref entry %d: %q", first+n, lines[2+n])
		}
		at, _ := strconv.Atoi(m[1])
		o := objStart.FindSubmatch(pdf[at:min(at+20, len(pdf))])
		if o == nil || string(o[1]) != strconv.Itoa(first+n) {
			return fmt.Errorf("object %d is not at byte %d", first+n, at)
		}
	}
	for _, want := range []string{"/Type /Catalog", "/Type /Page"} {
		if !bytes.Contains(pdf, []byte(want)) {
			return fmt.Errorf("no %s", want)
		}
	}
	return nil
}
