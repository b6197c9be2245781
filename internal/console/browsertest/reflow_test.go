package browsertest

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// reflowWidth is WCAG's 1.4.10 (reflow) width: 320 CSS pixels, a 1280
// pixel wide screen zoomed to 400%.
const reflowWidth = 320

// overflow lists what sticks out to the right of the viewport, outside
// the boxes allowed to scroll on their own: a data table in its
// .table-wrap, which 1.4.10 allows to scroll in two dimensions.
const overflow = `(() => {
	const w = document.documentElement.clientWidth, over = [];
	for (const el of document.querySelectorAll("body *")) {
		if (el.parentElement.closest(".table-wrap")) continue;
		const r = el.getBoundingClientRect();
		if (r.width > 0 && r.right > w + 1 && over.length < 10) {
			over.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && el.className.baseVal === undefined ? "." + el.className.split(" ").join(".") : "") + " to " + Math.round(r.right) + "px");
		}
	}
	return {scroll: document.documentElement.scrollWidth, width: w, over};
})()`

// overflowResult is what overflow found.
type overflowResult struct {
	Scroll int      `json:"scroll"` // the page's width
	Width  int      `json:"width"`  // the viewport's
	Over   []string `json:"over"`
}

// TestReflow opens every page (as an admin, who may open them all) 320
// CSS pixels wide and checks that the page does not scroll sideways:
// only data tables may, inside their own box (WCAG 2.2's 1.4.10). axe
// does not check this.
func TestReflow(t *testing.T) {
	v := sharedVigil(t)
	var paths []string
	for _, pages := range auditPages(findAuditIDs(t, v)) {
		for _, p := range pages {
			if p.submit == "" && p.want == 200 && !slices.Contains(paths, p.path) {
				paths = append(paths, p.path)
			}
		}
	}
	slices.Sort(paths)
	b := startBrowser(t)
	b.login(t, v, "adam.inistra")
	b.do(t, "narrow the window", chromedp.EmulateViewport(reflowWidth, shotHeight))
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			if status := b.open(t, v.base+path); status != 200 {
				t.Fatalf("%s answered %d", path, status)
			}
			got := run(t, b, "measure", chromedp.Evaluate[overflowResult](overflow))
			if got.Width > reflowWidth || got.Width < reflowWidth-20 {
				t.Fatalf("the viewport is %d px wide, want %d", got.Width, reflowWidth)
			}
			if got.Scroll > got.Width {
				t.Errorf("%s is %d px wide in a %d px window, so it scrolls sideways; sticking out: %v", path, got.Scroll, got.Width, got.Over)
			}
		})
	}
}
