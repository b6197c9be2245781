package browsertest

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAccessibilityAuditCatchesFaults plants one fault of each kind the
// console must not have into the login page and checks that the audit
// reports each, with the planted element as its target: a clean audit
// means something only if the audit would have seen the faults. Styles
// are set through the CSS object model, which the page's
// Content-Security-Policy allows (it refuses style attributes).
func TestAccessibilityAuditCatchesFaults(t *testing.T) {
	axeScript(t)
	v := sharedVigil(t)
	faults := []struct {
		rule   string // the axe rule that must report it
		target string // the planted element's selector
		plant  string // JavaScript that makes the element, as el, in main
	}{
		{"image-alt", "#fault-img", `el = document.createElement("img"); el.width = 40; el.height = 40;`},
		{"color-contrast", "#fault-contrast", `el = document.createElement("p"); el.textContent = "Pale text"; el.style.color = "#b0b0b0";`},
		{"label", "#fault-label", `el = document.createElement("input"); el.type = "text";`},
		{"link-name", "#fault-link", `el = document.createElement("a"); el.href = "/alerts";`},
		{"target-size", "#fault-target", `el = document.createElement("button"); el.setAttribute("aria-label", "Small");
			Object.assign(el.style, {width: "10px", height: "10px", padding: "0", border: "0", minWidth: "0", minHeight: "0"});
			const twin = el.cloneNode(); twin.setAttribute("aria-label", "Small twin"); main.append(twin);`},
		{"heading-order", "#fault-heading", `el = document.createElement("h4"); el.textContent = "Skipped levels";`},
		{"button-name", "#fault-button", `el = document.createElement("button");`},
	}
	b := startBrowser(t)
	if status := b.open(t, v.base+"/login"); status != 200 {
		t.Fatalf("login page answered %d", status)
	}
	for _, f := range faults {
		b.do(t, "plant "+f.rule, chromedp.Evaluate[chromedp.Void](`(() => {
			const main = document.querySelector("main"); let el;
			`+f.plant+`
			el.id = `+jsString(f.target[1:])+`; main.append(el);
		})()`))
	}
	res := b.audit(t)
	for _, f := range faults {
		i := slices.IndexFunc(res.Violations, func(v axeViolation) bool { return v.ID == f.rule })
		if i < 0 {
			t.Errorf("the audit missed the planted %s fault %s; it found:%s", f.rule, f.target, report(res.Violations))
			continue
		}
		if !slices.ContainsFunc(res.Violations[i].Nodes, func(n axeNode) bool { return n.Target == f.target }) {
			t.Errorf("the audit's %s violation does not name the planted %s:%s", f.rule, f.target, report(res.Violations[i:i+1]))
		}
	}
}
