package notify

import (
	"context"
	"maps"
	"slices"

	"github.com/vigilhealth/vigil/internal/alert"
)

// Target is one destination for alert notifications.
type Target interface {
	// Name identifies the target in logs and Stats, without secrets
	// (a webhook's scheme and host, not its path or token).
	Name() string
	// Send delivers one alert, returning when it is delivered or has
	// failed; it honours ctx's deadline. It must not keep or change a.
	Send(ctx context.Context, a *alert.Alert) error
}

// linkBase is where a notification links to its alert until the service
// knows its own console address: the .invalid domain is reserved, so the
// placeholder can never reach a real host.
const linkBase = "https://vigil.invalid/alerts/"

// alertLink is the placeholder console link to a.
func alertLink(a *alert.Alert) string { return linkBase + a.ID }

// copyAlert copies a deeply enough that the caller may change the
// original while the copy is sent.
func copyAlert(a *alert.Alert) *alert.Alert {
	c := *a
	c.Tags = slices.Clone(a.Tags)
	c.Records = slices.Clone(a.Records)
	c.Event = maps.Clone(a.Event)
	return &c
}
