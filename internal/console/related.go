package console

import (
	"context"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/eventstore"
)

// Related events: around an alert, how far back and ahead the timeline
// looks, and how many events it shows.
const (
	relatedMargin = time.Hour
	relatedLimit  = 50
)

// RelatedEvent is one event of an alert's timeline.
type RelatedEvent struct {
	eventstore.Hit
	Summary string // the fields that say what happened
	During  bool   // within the alert's first and last time
}

// summaryFields say what an event was, in order of preference.
var summaryFields = []string{"EventID", "Image", "CommandLine", "TargetUserName", "SubjectUserName", "IpAddress",
	"DestinationIp", "TargetFilename", "ServiceName", "message", "Message"}

// relatedEvents returns the stored events on the same host (or naming the
// same user) from an hour before first to an hour after last, oldest first.
func (c *Console) relatedEvents(ctx context.Context, host, user string, first, last time.Time) ([]RelatedEvent, error) {
	if c.deps.Events == nil || host == "" && user == "" {
		return nil, nil
	}
	var terms []string
	if host != "" {
		terms = append(terms, "host:"+quoteTerm(host))
	}
	if user != "" {
		terms = append(terms, quoteTerm(user))
	}
	res, err := c.deps.Events.Search(ctx, eventstore.Query{Text: strings.Join(terms, " OR "),
		Since: first.Add(-relatedMargin), Until: last.Add(relatedMargin), Limit: relatedLimit})
	if err != nil {
		return nil, err
	}
	out := make([]RelatedEvent, len(res.Events))
	for i, h := range res.Events {
		out[len(out)-1-i] = RelatedEvent{Hit: h, Summary: summaryOf(h.Fields),
			During: !h.Time.Before(first) && !h.Time.After(last)}
	}
	return out, nil
}

// summaryOf is a short line of an event's telling fields.
func summaryOf(f eventstore.Fields) string {
	var parts []string
	for _, n := range summaryFields {
		if v, ok := f.Get(n); ok && v != "" {
			if len(v) > 120 {
				v = v[:120] + "…"
			}
			parts = append(parts, n+"="+v)
		}
		if len(parts) == 4 {
			break
		}
	}
	return strings.Join(parts, "  ")
}

// quoteTerm quotes s as one value of the event query language.
func quoteTerm(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
