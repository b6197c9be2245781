package flow

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want time.Duration
	}{
		{Options{}, 30 * time.Minute},
		{Options{Window: time.Hour}, time.Hour},
		{Options{Window: time.Second, Bucket: time.Minute}, time.Minute},
	} {
		if got := New(tc.opts).Window(); got != tc.want {
			t.Errorf("Window of %+v: %v, want %v", tc.opts, got, tc.want)
		}
	}
}
