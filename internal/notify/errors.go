package notify

import (
	"errors"
	"time"
)

// permanentError marks a failure that retrying cannot fix (a 4xx answer,
// a refused recipient).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// retryAfterError is a failure whose sender said when to try again.
type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

func retryAfter(err error, d time.Duration) error { return &retryAfterError{err, d} }

// IsPermanent reports whether a send failed for a reason retrying cannot
// fix: a 4xx answer, a 5xx SMTP reply, a refused recipient, a missing
// address.
func IsPermanent(err error) bool { return isPermanent(err) }

// isPermanent reports whether err should not be retried.
func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// waitHint is how long the sender asked us to wait, or 0.
func waitHint(err error) time.Duration {
	var r *retryAfterError
	if errors.As(err, &r) {
		return r.after
	}
	return 0
}
