package storeguard

import (
	"context"
	"errors"
	"testing"
)

var errClosed = errors.New("closed")

func TestGuard(t *testing.T) {
	var g Guard
	ran := 0
	if err := g.Do(context.Background(), errClosed, func() error { ran++; return nil }); err != nil || ran != 1 {
		t.Fatalf("an open store: %v, ran %d", err, ran)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Do(ctx, errClosed, func() error { ran++; return nil }); !errors.Is(err, context.Canceled) || ran != 1 {
		t.Errorf("a done context: %v, ran %d; want context.Canceled and fn not run", err, ran)
	}
	released := 0
	release := func() error { released++; return errors.New("release failed") }
	if err := g.Close(release); err == nil || released != 1 {
		t.Errorf("first Close: %v, released %d; want release's error", err, released)
	}
	if err := g.Close(release); err != nil || released != 1 {
		t.Errorf("second Close: %v, released %d; want nil and no second release", err, released)
	}
	if err := g.Do(context.Background(), errClosed, func() error { ran++; return nil }); err != errClosed || ran != 1 {
		t.Errorf("a closed store: %v, ran %d; want the closed error and fn not run", err, ran)
	}
}
