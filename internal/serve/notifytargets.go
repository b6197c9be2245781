package serve

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/notify"
	"github.com/vigilhealth/vigil/internal/notify/targetstore"
)

// DefaultNotifyReload is how often a node that notifies looks for targets
// added or removed on another node (notify.reload).
const DefaultNotifyReload = 10 * time.Second

// fileIDPrefix starts the IDs of the configuration file's targets:
// file-0, file-1, ... in the order the settings page lists them.
const fileIDPrefix = "file-"

// errFileTarget refuses to remove a target of the configuration file.
var errFileTarget = errors.New("this target is set in the configuration file's notify section: remove it there and restart Vigil")

// errNoTarget says that no target has the ID asked for.
var errNoTarget = errors.New("no notification target has this id")

// notifyTargets are the notification targets a node knows: the
// configuration file's, fixed, and those added at run time, in store. On
// a node that notifies (role all, detect) disp is its dispatcher, given
// both sets at every change seen.
type notifyTargets struct {
	store  targetstore.Store
	cfg    *NotifyConfig
	getenv func(string) string
	log    *slog.Logger
	now    func() time.Time

	mu      sync.Mutex // serialises apply
	disp    *notify.Dispatcher
	file    []notify.Target // the file's, built once a dispatcher is attached
	applied uint64          // the store's generation disp has
	fresh   bool            // applied is set
}

// openTargets opens the store of the targets added at run time: the
// shared database's on a node that has one, else the data folder's.
// getenv reads the secrets the targets name.
func (s *Service) openTargets(getenv func(string) string) error {
	if s.targets != nil {
		s.targets.getenv = getenv
		return nil
	}
	var st targetstore.Store
	if s.node != nil && s.node.db != nil {
		st = s.node.db.NotifyTargets()
	} else {
		var err error
		if st, err = targetstore.OpenFile(s.cfg.Data); err != nil {
			return err
		}
	}
	s.targets = &notifyTargets{store: st, cfg: &s.cfg.Notify, getenv: getenv, log: s.log.With("component", "notify"), now: time.Now}
	return nil
}

// attach makes d the dispatcher of the targets, with file the file's
// targets (as NotifyConfig.targets built them), and gives it them all.
func (n *notifyTargets) attach(ctx context.Context, d *notify.Dispatcher, file []notify.Target) error {
	n.mu.Lock()
	n.disp, n.file = d, file
	n.mu.Unlock()
	_, err := n.apply(ctx)
	return err
}

// apply gives the dispatcher the file's targets and the store's, when
// the store's generation has moved since it last did, and says whether
// it did. A target that cannot be built on this node (a header's
// variable unset) is left out and logged; the others go on.
func (n *notifyTargets) apply(ctx context.Context) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.disp == nil {
		return false, nil
	}
	if n.fresh {
		gen, err := n.store.Generation(ctx)
		if err != nil || gen == n.applied {
			return false, err
		}
	}
	added, gen, err := n.store.List(ctx)
	if err != nil {
		return false, err
	}
	routes := make([]notify.Route, 0, len(n.file)+len(added))
	for i, t := range n.file {
		routes = append(routes, notify.Route{Key: fileIDPrefix + strconv.Itoa(i), Target: t})
	}
	for _, t := range added {
		nt, err := t.Notifier(n.getenv)
		if err != nil {
			n.log.Error("notify: target left out", "err", err)
			continue
		}
		routes = append(routes, notify.Route{Key: t.ID, Target: nt, MinLevel: t.MinLevel})
	}
	n.disp.SetRoutes(routes)
	n.log.Info("notify: targets taken in", "generation", gen, "from_file", len(n.file), "added", len(added))
	n.applied, n.fresh = gen, true
	return true, nil
}

// list describes every target, the file's first, without secrets.
func (n *notifyTargets) list(ctx context.Context) ([]console.NotifyTarget, error) {
	out := consoleTargets(n.cfg)
	added, _, err := n.store.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range added {
		out = append(out, describeTarget(t))
	}
	return out, nil
}

// describeTarget is a target added at run time as the settings page and
// the API show it.
func describeTarget(t targetstore.Target) console.NotifyTarget {
	note := "alerts of level " + t.MinLevel + " and above"
	if len(t.HeadersEnv) > 0 {
		note += "; with extra headers from environment variables " + strings.Join(slices.Sorted(maps.Values(t.HeadersEnv)), ", ")
	}
	return console.NotifyTarget{ID: t.ID, Name: t.Name, Kind: kindLabel(t.Kind), Where: t.Where(),
		Note: note, MinLevel: t.MinLevel, CreatedAt: t.CreatedAt, CreatedBy: t.CreatedBy}
}

// kindLabels name the kinds of target as the settings page shows them.
var kindLabels = map[string]string{
	targetstore.KindWebhook: "webhook (JSON)",
	targetstore.KindTeams:   "Microsoft Teams",
	targetstore.KindSlack:   "Slack",
	targetstore.KindSyslog:  "syslog (CEF)",
	"email":                 "email",
}

// kindLabel names a kind as the settings page shows it.
func kindLabel(kind string) string { return cmp.Or(kindLabels[kind], kind) }

// kindCode is the kind a label names, as the API gives it.
func kindCode(label string) string {
	for code, l := range kindLabels {
		if l == label {
			return code
		}
	}
	return label
}

// add stores a new target made from spec by by and, on a node that
// notifies, gives it to the dispatcher at once (other nodes take it in
// within notify.reload).
func (n *notifyTargets) add(ctx context.Context, spec targetstore.Target, by string) (targetstore.Target, error) {
	t, err := targetstore.New(spec, by, n.now())
	if err != nil {
		return t, err
	}
	if _, err := n.store.Add(ctx, t); err != nil {
		return targetstore.Target{}, err
	}
	n.applyNow(ctx)
	return t, nil
}

// remove deletes the target id, added at run time.
func (n *notifyTargets) remove(ctx context.Context, id string) (targetstore.Target, error) {
	if strings.HasPrefix(id, fileIDPrefix) {
		return targetstore.Target{}, errFileTarget
	}
	t, _, err := n.store.Remove(ctx, id)
	if errors.Is(err, targetstore.ErrNotFound) {
		return t, errNoTarget
	}
	if err != nil {
		return t, err
	}
	n.applyNow(ctx)
	return t, nil
}

// applyNow gives the dispatcher a change made on this node; a failure is
// logged, and the next look (notify.reload) tries again.
func (n *notifyTargets) applyNow(ctx context.Context) {
	if _, err := n.apply(ctx); err != nil {
		n.log.Error("notify: take in the targets after a change", "err", err)
	}
}

// test sends the test notification to the target id, straight, and
// returns the target and the send's outcome (nil: delivered). err is
// errNoTarget, or why the target could not be built on this node.
func (n *notifyTargets) test(ctx context.Context, id string) (console.NotifyTarget, error, error) {
	desc, target, err := n.find(ctx, id)
	if err != nil {
		return desc, nil, err
	}
	return desc, notify.SendTest(ctx, target, n.now()), nil
}

// find returns the description of target id and the target that sends to
// it, built on this node.
func (n *notifyTargets) find(ctx context.Context, id string) (console.NotifyTarget, notify.Target, error) {
	if rest, ok := strings.CutPrefix(id, fileIDPrefix); ok {
		i, err := strconv.Atoi(rest)
		descs := consoleTargets(n.cfg)
		if err != nil || i < 0 || i >= len(descs) || rest != strconv.Itoa(i) {
			return console.NotifyTarget{}, nil, errNoTarget
		}
		built, err := n.cfg.targets(n.getenv) // in the order of consoleTargets
		if err != nil {
			return descs[i], nil, err
		}
		return descs[i], built[i], nil
	}
	added, _, err := n.store.List(ctx)
	if err != nil {
		return console.NotifyTarget{}, nil, err
	}
	for _, t := range added {
		if t.ID == id {
			nt, err := t.Notifier(n.getenv)
			return describeTarget(t), nt, err
		}
	}
	return console.NotifyTarget{}, nil, errNoTarget
}

// watchTargets takes in, every notify.reload, the targets added or
// removed on other nodes (or by another process on the data folder).
func (s *Service) watchTargets(ctx context.Context) error {
	r := &s.notifyReload
	r.what, r.log = "notify", s.log
	r.failMsg = "notify: cannot look for notification targets added or removed; sending to the ones taken in before"
	return r.run(ctx, cmp.Or(s.cfg.Notify.Reload, DefaultNotifyReload), s.targets.apply)
}
