package notify

import (
	"context"
	"net/http"

	"github.com/vigilhealth/vigil/internal/alert"
)

type teams struct{ httpTarget }

// NewTeams returns a Target for a Microsoft Teams incoming webhook (or a
// Workflows webhook): a message carrying an Adaptive Card with the alert's
// headline, level, host, rule, count, first and last seen, and a link to
// the alert. A nil client means http.DefaultClient.
func NewTeams(url string, client *http.Client) Target {
	return teams{newHTTPTarget("teams", url, nil, client)}
}

func (t teams) Send(ctx context.Context, a *alert.Alert) error {
	return t.post(ctx, teamsMessage(a))
}

// teamsMessage builds the webhook body. Adaptive Card 1.4 is the newest
// version every Teams client renders.
func teamsMessage(a *alert.Alert) map[string]any {
	var fs []map[string]string
	for _, f := range facts(a) {
		fs = append(fs, map[string]string{"title": f.label, "value": f.value})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{
			map[string]any{"type": "TextBlock", "text": subject(a), "weight": "Bolder", "size": "Medium", "wrap": true, "color": teamsColor(a.Level)},
			map[string]any{"type": "FactSet", "facts": fs},
		},
		"actions": []any{
			map[string]any{"type": "Action.OpenUrl", "title": "Open in Vigil", "url": alertLink(a)},
		},
	}
	return map[string]any{
		"type": "message",
		"attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"content":     card,
		}},
	}
}

// teamsColor is the card's headline colour for a level.
func teamsColor(level string) string {
	switch alert.LevelRank(level) {
	case 5, 4:
		return "Attention"
	case 3:
		return "Warning"
	}
	return "Default"
}
