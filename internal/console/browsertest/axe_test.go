package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeEnv names the file axe.min.js of axe-core, the accessibility engine
// the audit runs in each page; scripts/test fetches the pinned version
// and sets it.
const axeEnv = "VIGIL_AXE_JS"

// axeTags are the rule sets the audit runs: WCAG 2.0, 2.1 and 2.2 at
// levels A and AA (axe has no rule of its own for the criteria WCAG 2.2
// added at level A), and axe's best practices, which hold the rules on
// landmarks, heading order and the skip link.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// axeMustRun are rules that must have run on every page: a change of
// tags or version that dropped them would otherwise pass in silence.
// target-size (WCAG 2.2's 2.5.8, 24 by 24 CSS pixels) is off by default
// in axe, so the audit turns it on.
var axeMustRun = []string{"color-contrast", "label", "link-name", "target-size", "heading-order", "region"}

// The engine's source, read once for all the tests.
var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript is the engine's source, failing the test with how to get it
// when it is missing: the audit is never skipped.
func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		path := os.Getenv(axeEnv)
		if path == "" {
			axeErr = fmt.Errorf("%s is not set: run scripts/test, which fetches axe-core and sets it, or set it to the path of axe-core's axe.min.js (npm pack axe-core@VERSION, the version in scripts/test)", axeEnv)
			return
		}
		b, err := os.ReadFile(path)
		if err != nil {
			axeErr = fmt.Errorf("read axe-core from %s=%s: %w (scripts/test fetches it)", axeEnv, path, err)
			return
		}
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatal(axeErr)
	}
	return axeSource
}

// axeResult is what one audit of a page found.
type axeResult struct {
	Version    string         `json:"version"`
	URL        string         `json:"url"`
	Ran        []string       `json:"ran"`        // the rules that ran, whatever their result
	Incomplete []axeViolation `json:"incomplete"` // what axe could not decide: left to a person
	Violations []axeViolation `json:"violations"`
}

// axeViolation is one rule a page broke, with each element that broke it.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

// axeNode is one element breaking a rule.
type axeNode struct {
	Target  string `json:"target"`
	Summary string `json:"summary"`
}

// axeRun runs the engine on the page, with the tags above, and returns
// only what the test needs.
const axeRun = `(() => {
const brief = v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "),
		summary: n.failureSummary || [...n.any, ...n.all, ...n.none].map(c => c.message).join("; ")}))});
return axe.run(document, {
	runOnly: {type: "tag", values: %s},
	rules: {"target-size": {enabled: true}},
	resultTypes: ["violations"],
}).then(r => ({
	version: axe.version,
	url: r.url,
	ran: [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map(x => x.id),
	incomplete: r.incomplete.map(brief),
	violations: r.violations.map(brief),
}));
})()`

// audit injects axe-core into the page through the DevTools protocol
// (Runtime.evaluate is not bound by the page's Content-Security-Policy,
// so the console's stays as strict as it is) and runs it.
func (b *browser) audit(t *testing.T) axeResult {
	t.Helper()
	tags, _ := json.Marshal(axeTags)
	b.do(t, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeScript(t)+"\n;void 0"))
	ctx, cancel := context.WithTimeout(b.ctx, axeTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v (page %s)", err, b.location(t))
	}
	return res
}

// axeTimeout bounds one audit. A privacy case's page has thousands of
// table cells, and axe takes over 30 seconds on it on a busy 2-core
// machine under the race detector.
const axeTimeout = 3 * time.Minute

// report lists violations, one line an element: the rule, its impact,
// the element's selector, the rule's help and what to fix.
func report(violations []axeViolation) string {
	var sb strings.Builder
	for _, v := range violations {
		fmt.Fprintf(&sb, "\n%s (%s): %s, %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "\n    %s: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	return sb.String()
}
