package serve

import (
	"context"

	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/notify/targetstore"
)

// consoleNotify is the settings page's view of the notification targets.
type consoleNotify struct{ n *notifyTargets }

var _ console.NotifyTargets = consoleNotify{}

// List implements console.NotifyTargets.
func (c consoleNotify) List(ctx context.Context) ([]console.NotifyTarget, error) {
	return c.n.list(ctx)
}

// Add implements console.NotifyTargets; a syslog target takes no URL and
// the others no network, whatever the form's other fields held.
func (c consoleNotify) Add(ctx context.Context, f console.NotifyForm, by string) (console.NotifyTarget, error) {
	spec := targetstore.Target{Kind: f.Kind, Name: f.Name, MinLevel: f.MinLevel}
	if f.Kind == targetstore.KindSyslog {
		spec.Network, spec.Addr = f.Network, f.Addr
	} else {
		spec.URL = f.URL
	}
	t, err := c.n.add(ctx, spec, by)
	if err != nil {
		return console.NotifyTarget{}, err
	}
	return describeTarget(t), nil
}

// Remove implements console.NotifyTargets.
func (c consoleNotify) Remove(ctx context.Context, id string) (console.NotifyTarget, error) {
	t, err := c.n.remove(ctx, id)
	if err != nil {
		return console.NotifyTarget{}, err
	}
	return describeTarget(t), nil
}

// Test implements console.NotifyTargets.
func (c consoleNotify) Test(ctx context.Context, id string) (console.NotifyTarget, error, error) {
	return c.n.test(ctx, id)
}
