package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
	"github.com/vigilhealth/vigil/internal/atomicfile"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/flow"
)

// FlowConfig sets how often the flow watch judges the sources and saves
// what it has learned (to flow.bin in the data folder).
type FlowConfig struct {
	CheckEvery time.Duration `yaml:"check_every"`
	SaveEvery  time.Duration `yaml:"save_every"`
	// Watch tunes the model (see flow.Options); not read from the file.
	// Its Clock, when set, is the time the service counts arrivals and
	// judges sources by, so that tests can move time on.
	Watch flow.Options `yaml:"-"`
}

// Flow watch defaults.
const (
	DefaultFlowCheck = time.Minute
	DefaultFlowSave  = 10 * time.Minute
)

// flowFile is the learned profile's file in the data folder.
const flowFile = "flow.bin"

// flowQueue bounds the flow alerts waiting for the detector's next commit.
const flowQueue = 256

// Rule ids of flow alerts.
const (
	ruleFlowSilent = "vigil-flow-silent"
	ruleFlowDrop   = "vigil-flow-drop"
	ruleFlowSurge  = "vigil-flow-surge"
)

var hl7Type = event.Intern("hl7.type")

func (f *FlowConfig) validate() error {
	if f.CheckEvery <= 0 {
		return fmt.Errorf("config key flow.check_every: %v is not a positive duration", f.CheckEvery)
	}
	if f.SaveEvery <= 0 {
		return fmt.Errorf("config key flow.save_every: %v is not a positive duration", f.SaveEvery)
	}
	return nil
}

// flowKey names the source of ev: the listener part of ev.Source ("syslog"
// for "syslog/udp"), the sending host and the HL7 message type if any.
func flowKey(ev *event.Event) flow.Key {
	listener, _, _ := strings.Cut(ev.Source, "/")
	kind, _ := ev.Get(hl7Type)
	return flow.Key{Listener: listener, Host: ev.Host, Kind: kind}
}

// observeFlow counts an accepted batch, one Observe per run of events from
// the same source. The key's strings are copied: an event's strings may
// live in a buffer the listener reuses, and the Watch keeps new keys.
func observeFlow(w *flow.Watch, now time.Time, evs []*event.Event) {
	var cur flow.Key
	n := 0
	for _, ev := range evs {
		k := flowKey(ev)
		if n > 0 && k == cur {
			n++
			continue
		}
		if n > 0 {
			w.Observe(cur, now, n)
		}
		cur = flow.Key{Listener: strings.Clone(k.Listener), Host: strings.Clone(k.Host), Kind: strings.Clone(k.Kind)}
		n = 1
	}
	if n > 0 {
		w.Observe(cur, now, n)
	}
}

// watchFlow judges the sources every CheckEvery and hands the findings to
// the detector as alerts, and saves the profile every SaveEvery, until ctx
// ends. The final save is the shutdown's, once the listeners have stopped.
func (s *Service) watchFlow(ctx context.Context) error {
	check := time.NewTicker(s.cfg.Flow.CheckEvery)
	defer check.Stop()
	save := time.NewTicker(s.cfg.Flow.SaveEvery)
	defer save.Stop()
	raised := map[flow.Key]*alert.Alert{} // open conditions, so that a recovery updates its alert
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-check.C:
			for _, f := range s.flow.Check(s.now()) {
				a := flowAlert(s.log, s.now(), f, raised)
				if a == nil {
					continue
				}
				select {
				case s.det.flowIn <- a:
				case <-ctx.Done():
					return nil
				}
			}
		case <-save.C:
			if err := s.saveFlow(); err != nil {
				s.log.Error("flow watch: save the profile", "err", err)
			}
		}
	}
}

// flowAlert turns a finding into the alert to commit: a new one for a
// condition that starts, the raised one updated for a recovery, nil for a
// recovery whose alert this run did not raise (it is only logged). Role
// all and the detect nodes' per-partition watches both make their alerts
// here, so that the ids, rules and texts are the same.
func flowAlert(log *slog.Logger, now time.Time, f flow.Finding, raised map[flow.Key]*alert.Alert) *alert.Alert {
	if f.Kind == flow.KindRecovered {
		prev := raised[f.Key]
		delete(raised, f.Key)
		if prev == nil {
			log.Info("flow watch: source recovered", "listener", f.Key.Listener, "host", f.Key.Host, "kind", f.Key.Kind, "message", f.Message)
			return nil
		}
		a := cloneAlert(prev)
		a.LastSeen = now
		a.Event = flowEvent(f)
		a.Event["recovered"] = true
		return a
	}
	rule, title, level := ruleFlowSurge, "Source surged far above its normal rate", "low"
	switch f.Kind {
	case flow.KindSilent:
		rule, title, level = ruleFlowSilent, "Source went silent", "medium"
	case flow.KindDrop:
		rule, title, level = ruleFlowDrop, "Source dropped far below its normal rate", "medium"
	}
	key := f.Key.Listener + "/" + f.Key.Kind
	a := &alert.Alert{
		ID: flowAlertID(rule, f.Key, f.Since), RuleID: rule, RuleTitle: title, Level: level,
		Tags: []string{"vigil.flow"}, Host: f.Key.Host, Key: key, Count: 1,
		FirstSeen: f.Since, LastSeen: now, Status: alert.StatusOpen, Event: flowEvent(f),
	}
	raised[f.Key] = a
	return a
}

func flowEvent(f flow.Finding) map[string]any {
	return map[string]any{
		"message": f.Message, "listener": f.Key.Listener, "host": f.Key.Host, "kind": f.Key.Kind,
		"finding": f.Kind, "since": f.Since, "observed": f.Observed, "expected": f.Expected,
	}
}

// flowAlertID is stable for one condition of one source, so that saving it
// twice (a recovery, or a retry) updates one alert.
func flowAlertID(rule string, k flow.Key, since time.Time) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%d", rule, k.Listener, k.Host, k.Kind, since.UnixNano())
	return "flow-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// loadFlow reads the saved profile, if any. A damaged profile is logged and
// set aside, not fatal: the watch relearns, and monitoring goes on.
func (s *Service) loadFlow() error {
	path := filepath.Join(s.cfg.Data, flowFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("flow watch: read %s: %w", path, err)
	}
	if err := s.flow.UnmarshalBinary(data); err != nil {
		s.log.Warn("flow watch: saved profile unreadable; relearning", "file", path, "err", err)
	}
	return nil
}

// saveFlow writes the profile to a temporary file, syncs it and renames it
// over flow.bin, so that a crash leaves the old profile or the new, whole.
func (s *Service) saveFlow() error {
	data, err := s.flow.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode the flow profile: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(s.cfg.Data, flowFile), data, 0o600); err != nil {
		return fmt.Errorf("save the flow profile: %w", err)
	}
	return nil
}
