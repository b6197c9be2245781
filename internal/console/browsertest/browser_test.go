package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Screenshot size: the width of a small laptop, kept small for docs/.
const (
	shotWidth  = 1280
	shotHeight = 800
)

// chromiumPath is the browser: Debian's chromium, which scripts/test
// installs. Its absence fails the tests: they are never skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: scripts/test installs it (apt-get install chromium fonts-dejavu-core)")
	return ""
}

// browser is one headless Chromium with a fresh profile; each tab made
// from it has the browser's cookies.
type browser struct {
	ctx context.Context // the browser's first tab
}

// startBrowser starts Chromium headless, with a fresh profile in a
// temporary folder and nothing running in the background, and closes it
// when the test ends.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // root in CI and containers has no user namespace sandbox
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(shotWidth, shotHeight),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(shotWidth, shotHeight), chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: ctx}
}

// do runs actions with a time limit, failing the test with what failed.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v (page %s)", what, err, b.location(t))
	}
}

// run runs one action with a time limit and returns its value.
func run[T any](t *testing.T, b *browser, what string, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v (page %s)", what, err, b.location(t))
	}
	return v
}

// location is the page's URL, for messages.
func (b *browser) location(t *testing.T) string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	return u
}

// open navigates to url and returns the HTTP status of the answer.
func (b *browser) open(t *testing.T, url string) int64 {
	t.Helper()
	resp := run(t, b, "open "+url, chromedp.NavigateResponse(url))
	if resp == nil {
		t.Fatalf("open %s: no answer", url)
	}
	return resp.Status
}

// respond runs actions that load a page (a click, a form) and returns the
// HTTP status the page was answered with.
func (b *browser) respond(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil || resp == nil {
		t.Fatalf("%s: %v (page %s)", what, err, b.location(t))
	}
	return resp.Status
}

// waitPath waits until the page's path is path, through navigations
// (while one is under way the page cannot be asked).
func (b *browser) waitPath(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if u, err := url.Parse(b.location(t)); err == nil && u.Path == path {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for the browser to reach %s; it is at %s", path, b.location(t))
		}
		time.Sleep(50 * time.Millisecond) // polling the page's location
	}
}

// fetchAnswer is what fetch from the page answered.
type fetchAnswer struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// fetch calls the API from the page, as the console's own scripts do:
// the browser attaches the session cookie, and the page supplies any
// headers (the CSRF token) itself.
func (b *browser) fetch(t *testing.T, method, path string, headers map[string]string, body string) fetchAnswer {
	t.Helper()
	js := fmt.Sprintf(`fetch(%q, {method: %q, headers: %s, body: %s, credentials: "same-origin"})
		.then(async r => ({status: r.status, body: await r.text()}))`, path, method, jsObject(headers), jsBody(method, body))
	return run(t, b, method+" "+path+" from the page", chromedp.Evaluate[fetchAnswer](js, chromedp.EvalAwaitPromise))
}

// shot takes a screenshot of the viewport, checks that it is a PNG of
// the expected size, and writes it to $VIGIL_SCREENSHOTS/console-NAME.png
// when that variable names a folder (relative to the repository's root).
func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	buf := run(t, b, "screenshot "+name, chromedp.CaptureScreenshot())
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	if sz := img.Bounds().Size(); sz.X != shotWidth || sz.Y != shotHeight {
		t.Errorf("screenshot %s is %v, want %dx%d", name, sz, shotWidth, shotHeight)
	}
	dir := os.Getenv("VIGIL_SCREENSHOTS")
	if dir == "" {
		return
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", "..", "..", dir) // this package is internal/console/browsertest
	}
	if err := os.WriteFile(filepath.Join(dir, "console-"+name+".png"), buf, 0o644); err != nil {
		t.Fatalf("write screenshot %s: %v", name, err)
	}
}
