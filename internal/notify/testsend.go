package notify

import (
	"context"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// TestRuleTitle is the rule title of a test notification, so that whoever
// receives one sees at once that it is not an alert.
const TestRuleTitle = "Vigil test notification"

// testTimeout bounds a test send when the caller's context has no
// deadline: a person is waiting for the answer.
const testTimeout = 10 * time.Second

// TestAlert is the alert a test send delivers: marked as a test in its
// rule, title, tags and status, level informational, with no event, user
// or patient data, at now.
func TestAlert(now time.Time) *alert.Alert {
	now = now.UTC().Truncate(time.Second)
	return &alert.Alert{
		ID:        "test-" + now.Format("20060102T150405Z"),
		RuleID:    "vigil-test-notification",
		RuleTitle: TestRuleTitle,
		Level:     "informational",
		Tags:      []string{"vigil.test"},
		Host:      "vigil",
		Count:     1,
		FirstSeen: now,
		LastSeen:  now,
		Status:    "test",
	}
}

// SendTest sends TestAlert(now) to t once, straight, bypassing any
// Dispatcher: no level filter, throttle, queue or retry, so that the
// answer (nil: delivered) says whether t works now. Without a deadline on
// ctx it gives up after 10 seconds.
func SendTest(ctx context.Context, t Target, now time.Time) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, testTimeout)
		defer cancel()
	}
	return t.Send(ctx, TestAlert(now))
}
