package notify

import (
	"context"
	"net/http"
	"strings"

	"github.com/vigilhealth/vigil/internal/alert"
)

type slack struct{ httpTarget }

// NewSlack returns a Target for a Slack incoming webhook: {"text": ...,
// "blocks": [...]}, the text being the headline that notifications and
// old clients show, the blocks a header, the alert's facts and a link. A
// nil client means http.DefaultClient.
func NewSlack(url string, client *http.Client) Target {
	return slack{newHTTPTarget("slack", url, nil, client)}
}

func (s slack) Send(ctx context.Context, a *alert.Alert) error {
	return s.post(ctx, slackMessage(a))
}

// slackHeaderMax is the longest text Slack accepts in a header block.
const slackHeaderMax = 150

func slackMessage(a *alert.Alert) map[string]any {
	head := subject(a)
	var fields []any
	for _, f := range facts(a) {
		fields = append(fields, map[string]any{"type": "mrkdwn", "text": "*" + f.label + "*\n" + slackEscape(f.value)})
	}
	// A section holds at most 10 fields.
	var sections []any
	for len(fields) > 0 {
		n := min(len(fields), 10)
		sections = append(sections, map[string]any{"type": "section", "fields": fields[:n]})
		fields = fields[n:]
	}
	blocks := []any{map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": truncate(head, slackHeaderMax)}}}
	blocks = append(blocks, sections...)
	blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": "<" + alertLink(a) + "|Open in Vigil>"}})
	return map[string]any{"text": slackEscape(head), "blocks": blocks}
}

// slackEscape escapes the three characters Slack's mrkdwn reads as markup.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncate cuts s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
