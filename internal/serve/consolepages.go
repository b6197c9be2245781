package serve

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/vigilhealth/vigil/internal/audit"
	"github.com/vigilhealth/vigil/internal/auth"
	"github.com/vigilhealth/vigil/internal/console"
	"github.com/vigilhealth/vigil/internal/notify/targetstore"
	"github.com/vigilhealth/vigil/internal/privacy"
	"github.com/vigilhealth/vigil/internal/sigma"
)

// consolePageDeps fills what the search, privacy, rules, sources and
// settings pages need beyond the skeleton's Deps. The case outcomes are
// the live guardian's decision log (privacy.StateDir), so that the page,
// the saved summary and the board pack read one record.
func (s *Service) consolePageDeps(d *console.Deps) error {
	d.SourceWindow = s.sourceWindow()
	if err := s.openTargets(os.Getenv); err != nil {
		return err
	}
	d.Notify = consoleNotify{s.targets}
	d.Audit = s.consoleAudit
	d.Reports = s.gatherReport
	if s.node != nil {
		// An API node: the detections per rule are counted on the detect
		// nodes and the reports gathered from the shared database; the
		// live privacy analysis runs on a node with privacy.analyse only,
		// its decisions in the shared database.
		if s.privacy == nil {
			d.Privacy = nil
			return nil
		}
		d.PatientReports = s.node.db.PatientReports()
		if f := s.node.follow; f != nil {
			d.PrivacyCaughtUp = f.stats.lastCaughtUp
		}
		return s.privacyPageDeps(d, s.node.db.PrivacyDecisions())
	}
	dl := s.privacy.Decisions()
	if dl == nil {
		return fmt.Errorf("privacy case outcomes: the privacy state is not open")
	}
	d.RuleCounts = s.ruleDetections
	return s.privacyPageDeps(d, dl)
}

// privacyPageDeps gives the privacy pages their decision store and,
// unless an API node gave the shared one, the record of patient reports
// downloaded kept in the data folder.
func (s *Service) privacyPageDeps(d *console.Deps, ds privacy.DecisionStore) error {
	d.Decisions = ds
	if d.PatientReports != nil {
		return nil
	}
	prl, err := privacy.OpenPatientReportLog(s.cfg.Data)
	if err != nil {
		return err
	}
	d.PatientReports = prl
	return nil
}

// consoleAudit writes what a console change or download did to the audit
// log, as the principal of r.
func (s *Service) consoleAudit(r *http.Request, action, object, outcome string) error {
	p, _ := auth.FromContext(r.Context())
	_, err := s.audit.Append(audit.Entry{
		Who: p.Name, Role: string(p.Role), Action: action, Object: object, Outcome: outcome,
		Remote: r.RemoteAddr, RequestID: requestIDOf(r.Context()),
	})
	return err
}

// consoleTargets describes the notification targets of n for the
// console's settings page without any secret: a webhook, Teams or Slack
// address shows only its host (such URLs carry their own token), or the
// environment variable that holds it; header values and passwords never
// show.
//
// Each has the ID file-N, N its place in this list, which is the order
// NotifyConfig.targets builds them in.
func consoleTargets(n *NotifyConfig) []console.NotifyTarget {
	min := cmp.Or(n.MinLevel, "high")
	level := "alerts of level " + min + " and above"
	var out []console.NotifyTarget
	add := func(kind, where, note string) {
		out = append(out, console.NotifyTarget{ID: fileIDPrefix + strconv.Itoa(len(out)), Kind: kind, Where: where,
			Note: note, MinLevel: min, FromFile: true})
	}
	for _, w := range n.Webhooks {
		note := level
		if len(w.Headers)+len(w.HeadersEnv) > 0 {
			note += "; with extra headers (values not shown)"
		}
		add(kindLabel(targetstore.KindWebhook), urlWhere(URLRef{w.URL, w.URLEnv}), note)
	}
	for _, r := range n.Teams {
		add(kindLabel(targetstore.KindTeams), urlWhere(r), level)
	}
	for _, r := range n.Slack {
		add(kindLabel(targetstore.KindSlack), urlWhere(r), level)
	}
	if s := n.SMTP; s != nil {
		add(kindLabel("email"), strings.Join(s.To, ", "), level+"; from "+s.From+" through "+s.Addr)
	}
	for _, s := range n.Syslog {
		add(kindLabel(targetstore.KindSyslog), s.Network+" "+s.Addr, level)
	}
	return out
}

// urlWhere names where a URL reference points without its secret parts.
func urlWhere(r URLRef) string {
	if r.URLEnv != "" {
		return "the address in environment variable " + r.URLEnv
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" {
		return "an address (not shown)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// ruleDetections returns the detections since start of each loaded rule
// and correlation, keyed by its Meta in the loaded set.
func (s *Service) ruleDetections() map[*sigma.Meta]int64 {
	byID := s.det.byRule.snapshot()
	out := make(map[*sigma.Meta]int64, len(byID))
	for _, r := range s.set.Rules {
		if n := byID[ruleID(&r.Meta)]; n > 0 {
			out[&r.Meta] = n
		}
	}
	for _, c := range s.set.Correlations {
		if n := byID[ruleID(&c.Meta)]; n > 0 {
			out[&c.Meta] = n
		}
	}
	return out
}
