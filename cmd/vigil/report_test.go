package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/sharedtest"
)

var update = flag.Bool("update", false, "save the report screenshots in docs/")

// TestReportOnTheDemoTrust runs the demo trust for a few seconds, stores
// the estate feeds in its data folder, and writes both reports in both
// formats, checking what a reader would see: the HTML's sections, tables
// and charts, and the PDF's pages rendered to images with the heat map's
// and the charts' colours on them.
func TestReportOnTheDemoTrust(t *testing.T) {
	data := t.TempDir()
	var out, errb bytes.Buffer
	runDemoUntilCritical(t, data)
	if code := run([]string{"estate", "update", "--data", data, "--kev", sharedtest.Path(t, "kev", "known_exploited_vulnerabilities.json"), "--eol", sharedtest.Path(t, "endoflife", "products")}, &out, &errb); code != 0 {
		t.Fatalf("estate update: exit %d\n%s", code, errb.String())
	}
	caf := sharedtest.Path(t, "caf", "caf-v3.2.yaml")
	dir := t.TempDir()
	files := map[string]string{}
	for _, kind := range []string{"board", "staff"} {
		for _, format := range []string{"html", "pdf"} {
			path := filepath.Join(dir, kind+"."+format)
			args := []string{"report", kind, "--data", data, "--format", format, "--output", path}
			if kind == "board" {
				args = append(args, "--caf", caf)
			}
			errb.Reset()
			if code := run(args, &out, &errb); code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, errb.String())
			}
			files[kind+"."+format] = path
		}
	}
	checkBoardHTML(t, files["board.html"])
	pages := renderPDF(t, files["board.pdf"])
	if len(pages) < 3 {
		t.Fatalf("board PDF has %d pages, want the two summary pages and the detail", len(pages))
	}
	// Page 1 holds the heat map: the demo has not-achieved (red) and
	// unassessed (grey) outcomes. Page 2 holds the charts: bars of alerts
	// by level and of systems by support status.
	for _, c := range []struct {
		page   int
		colour string
	}{{1, "#c62828"}, {1, "#c8c8c8"}, {2, "#c62828"}, {2, "#1f5fa8"}} {
		if n := countColour(pages[c.page-1], c.colour); n < 50 {
			t.Errorf("board PDF page %d: %d pixels of %s, want a heat map or chart in it", c.page, n, c.colour)
		}
	}
	staff := renderPDF(t, files["staff.pdf"])
	if len(staff) != 1 {
		t.Errorf("staff briefing has %d pages, want one", len(staff))
	}
	staffHTML, _ := os.ReadFile(files["staff.html"])
	for _, want := range []string{"What happened", "What to watch for", "How to report", "never be blamed"} {
		if !strings.Contains(string(staffHTML), want) {
			t.Errorf("staff briefing lacks %q", want)
		}
	}
	if *update {
		saveScreenshots(t, files)
	}
}

// runDemoUntilCritical plays the WannaCry scenario into data until it has
// raised a critical alert, which the board pack's charts draw in red. A
// loaded machine can leave the first 8 seconds without one, so the demo is
// run again on the same folder, a few times at most.
func runDemoUntilCritical(t *testing.T, data string) {
	t.Helper()
	var out, errb bytes.Buffer
	for range 4 {
		if code := run([]string{"demo", "--data", data, "--duration", "8s", "--http", "127.0.0.1:0", "--speed", "100", "--scenario", "wannacry"}, &out, &errb); code != 0 {
			t.Fatalf("demo: exit %d\n%s\n%s", code, out.String(), errb.String())
		}
		if criticalAlerts(t, data) > 0 {
			return
		}
	}
	t.Fatal("the demo raised no critical alert in four runs of 8 seconds")
}

func criticalAlerts(t *testing.T, data string) int {
	t.Helper()
	st, err := alert.OpenFileStoreReadOnly(filepath.Join(data, "alerts"))
	if err != nil {
		t.Fatalf("open the demo's alerts: %v", err)
	}
	defer st.Close()
	as, err := st.Alerts(context.Background(), alert.Query{Level: "critical"})
	if err != nil {
		t.Fatalf("read the demo's alerts: %v", err)
	}
	return len(as)
}

func checkBoardHTML(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{"<h1>Cyber security board report</h1>", "CAF outcomes at a glance", `role="img"`, "<title id=", "<desc id=",
		"<caption>", "Top risks", "Unsupported and end-of-life systems", "Known-exploited vulnerabilities", "Detection and response",
		"Privacy cases", "The data folder holds no privacy cases", "Training and phishing", "Improvement actions", "unassigned",
		"Where this comes from", "Median time to triage: not yet measured"} {
		if !strings.Contains(html, want) {
			t.Errorf("board HTML lacks %q", want)
		}
	}
	if !strings.Contains(html, " GMT") && !strings.Contains(html, " BST") {
		t.Error("board HTML gives no time in Europe/London with its zone")
	}
	for _, bad := range []string{"<script", " src=", "<link", "@import", "url("} {
		if strings.Contains(html, bad) {
			t.Errorf("board HTML is not self-contained: it has %q", bad)
		}
	}
}

// renderPDF checks the file starts as a PDF and renders its pages.
func renderPDF(t *testing.T, path string) []image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-1.4")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatalf("%s is not a whole PDF", path)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("pdftoppm is needed to render the PDF (Debian package poppler-utils; scripts/test installs it)")
	}
	prefix := filepath.Join(t.TempDir(), "p")
	if out, err := exec.Command("pdftoppm", "-r", "72", "-png", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v\n%s", path, err, out)
	}
	names, _ := filepath.Glob(prefix + "-*.png")
	imgs := make([]image.Image, len(names))
	for i := range names {
		f, err := os.Open(fmt.Sprintf("%s-%d.png", prefix, i+1))
		if err != nil {
			t.Fatalf("page %d of %d: %v", i+1, len(names), err)
		}
		imgs[i], err = png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return imgs
}

// countColour counts the pixels of img within a small distance of hex.
func countColour(img image.Image, hex string) int {
	var want [3]int
	fmt.Sscanf(hex, "#%02x%02x%02x", &want[0], &want[1], &want[2])
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			got := [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
			ok := true
			for i := range got {
				ok = ok && got[i]-want[i] <= 10 && want[i]-got[i] <= 10
			}
			if ok {
				n++
			}
		}
	}
	return n
}

// saveScreenshots writes docs/board-report-1.png and -2.png (the PDF's
// summary pages), docs/staff-briefing-1.png, and the HTML as Chromium
// shows it (docs/board-report-html.png, docs/staff-briefing-html.png).
func saveScreenshots(t *testing.T, files map[string]string) {
	docs := filepath.Join("..", "..", "docs")
	for _, s := range []struct{ pdf, name, pages string }{{"board.pdf", "board-report", "2"}, {"staff.pdf", "staff-briefing", "1"}} {
		if out, err := exec.Command("pdftoppm", "-r", "80", "-png", "-l", s.pages, files[s.pdf], filepath.Join(docs, s.name)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is needed for the HTML screenshots (Debian package chromium)")
	}
	for _, s := range []struct{ html, png string }{{"board.html", "board-report-html.png"}, {"staff.html", "staff-briefing-html.png"}} {
		dst, _ := filepath.Abs(filepath.Join(docs, s.png))
		cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(), "--hide-scrollbars",
			"--window-size=1000,1400", "--screenshot="+dst, "file://"+files[s.html])
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chromium screenshot of %s: %v\n%s", s.html, err, out)
		}
	}
}
