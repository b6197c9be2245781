package browsertest

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// markFocusables numbers every element in main that the Tab key should
// reach (links, buttons, fields; no hidden field, nothing disabled or
// taken out of the order) in document order, in a data-kb attribute, and
// keeps each one's look without focus, to compare with its look with it.
// It returns how many there are.
const markFocusables = `(() => {
	const sel = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
	const els = [...document.querySelectorAll("main " + sel.split(", ").join(", main "))]
		.filter(el => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0);
	window.kbLook = els.map((el, i) => { el.dataset.kb = i; return look(el); });
	return els.length;
	function look(el) {
		const s = getComputedStyle(el);
		return {outline: s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor, shadow: s.boxShadow, background: s.backgroundColor};
	}
})()`

// focusState is what the focused element is and how it looks.
type focusState struct {
	KB      int    `json:"kb"`   // its data-kb number, or -1
	ID      string `json:"id"`   // its id attribute
	What    string `json:"what"` // its tag, name, value and text, for messages
	InMain  bool   `json:"inMain"`
	Shown   bool   `json:"shown"`   // at least partly in the viewport: not hidden (WCAG 2.2's 2.4.11 at AA)
	Changed string `json:"changed"` // which of outline and box-shadow focus changed, "" when neither
	Rect    string `json:"rect"`    // where it is, against the viewport, for messages
}

// readFocus reads the focused element. An outline counts only when it is
// drawn (a style, a width and a colour that is not transparent, as the
// console's 4px transparent outline is there for Windows' forced colours
// only).
const readFocus = `(() => {
	const el = document.activeElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
	const before = el.dataset.kb !== undefined ? window.kbLook[el.dataset.kb] : null;
	const outline = s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor;
	const drawn = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && !/rgba\(.*, 0\)$|transparent/.test(s.outlineColor);
	const changed = [];
	if (drawn && (!before || before.outline !== outline)) changed.push("outline " + outline);
	if (s.boxShadow !== "none" && (!before || before.shadow !== s.boxShadow)) changed.push("box-shadow " + s.boxShadow);
	return {
		kb: before ? Number(el.dataset.kb) : -1,
		id: el.id,
		what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "") +
			(el.value && el.tagName === "BUTTON" ? "[value=" + el.value + "]" : "") + " " + (el.textContent || "").trim().slice(0, 40),
		inMain: !!el.closest("main"),
		shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
		changed: changed.join(", "),
		rect: JSON.stringify({top: r.top, left: r.left, bottom: r.bottom, right: r.right, innerHeight, innerWidth}),
	};
})()`

// press sends one key and reads the focus after it.
func (b *browser) press(t *testing.T, key string) focusState {
	t.Helper()
	b.do(t, fmt.Sprintf("press %q", key), chromedp.KeyEvent(key))
	return run(t, b, "read the focus", chromedp.Evaluate[focusState](readFocus))
}

// TestKeyboard: on the alert and incident pages, the first Tab shows the
// skip link, Enter on it moves the focus to the main content, and Tab
// from there reaches every link, field and button of the page's content
// and forms in document order, each with a visible focus indicator (an
// outline or box-shadow that focus changed) and at least partly in the
// viewport (WCAG 2.2's 2.4.11, focus not obscured, at AA).
func TestKeyboard(t *testing.T) {
	v := sharedVigil(t)
	ids := findAuditIDs(t, v)
	b := startBrowser(t)
	b.login(t, v, "ana.lyst")
	for _, path := range []string{"/alerts/" + ids.alert, "/incidents/" + ids.incident} {
		t.Run(path, func(t *testing.T) {
			if status := b.open(t, v.base+path); status != 200 {
				t.Fatalf("%s answered %d", path, status)
			}
			n := run(t, b, "number the controls", chromedp.Evaluate[int](markFocusables))
			if n < 5 {
				t.Fatalf("only %d controls in %s's main content: the forms are missing", n, path)
			}
			skip := b.press(t, kb.Tab)
			if skip.What != "a Skip to main content" || !skip.Shown || skip.Changed == "" {
				t.Fatalf("first Tab: focus on %q (shown %v, indicator %q), want the skip link, visible", skip.What, skip.Shown, skip.Changed)
			}
			if to := b.press(t, kb.Enter); to.ID != "main-content" {
				t.Fatalf("Enter on the skip link: focus on %q, want main#main-content", to.What)
			}
			b.tabThrough(t, n)
		})
	}
}

// tabThrough presses Tab until the focus leaves the main content,
// checking that it meets the n numbered controls in order, each shown
// with a focus indicator. A field made of parts (a date and time has a
// stop for each of its parts) keeps the focus for several presses.
func (b *browser) tabThrough(t *testing.T, n int) {
	t.Helper()
	next := 0
	for presses := 0; presses <= 8*n; presses++ {
		f := b.press(t, kb.Tab)
		if !f.InMain {
			break
		}
		if f.KB == next-1 {
			continue // the next part of the same field
		}
		if f.KB != next {
			t.Fatalf("Tab %d: focus on %q (number %d), want control %d: the order skips or goes back", presses+1, f.What, f.KB, next)
		}
		if f.Changed == "" {
			t.Errorf("%q has no visible focus indicator (its outline and box-shadow are as without focus)", f.What)
		}
		if !f.Shown {
			t.Errorf("%q has the focus but is out of sight: %s", f.What, f.Rect)
		}
		next++
	}
	if next != n {
		t.Errorf("Tab reached %d of the %d controls of the main content", next, n)
	}
}
