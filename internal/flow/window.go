package flow

import "time"

// Window is the span SourceStatus counts are taken over (Options.Window,
// or its default), so that a reader can turn them into rates.
func (w *Watch) Window() time.Duration { return w.opts.Window }
