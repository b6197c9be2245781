package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/hunt"
)

// startProgress draws a progress bar on w while a hunt runs, when w is a
// terminal; the returned function stops it and clears the line.
func startProgress(w io.Writer, p *hunt.Progress) func() {
	if !isTerminal(w) {
		return func() {}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		start := time.Now()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				fmt.Fprint(w, "\r\x1b[2K")
				return
			case <-tick.C:
				fmt.Fprint(w, "\r\x1b[2K"+progressLine(p, time.Since(start)))
			}
		}
	}()
	return func() { close(stop); <-done }
}

func progressLine(p *hunt.Progress, elapsed time.Duration) string {
	total, doneFiles := p.FilesTotal.Load(), p.FilesDone.Load()
	const width = 24
	filled := 0
	if total > 0 {
		filled = int(width * doneFiles / total)
	}
	events := p.Events.Load()
	rate := float64(events) / max(elapsed.Seconds(), 0.001)
	return fmt.Sprintf("[%s%s] files %d/%d  events %d  detections %d  %.0f events/s",
		strings.Repeat("█", filled), strings.Repeat("░", width-filled),
		doneFiles, total, events, p.Detections.Load(), rate)
}
