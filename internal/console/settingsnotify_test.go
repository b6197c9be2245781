package console

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/auth"
)

// fakeTargets is a NotifyTargets in memory: Add refuses a URL starting
// http:// with a field error on url, Test fails for a target named
// "broken".
type fakeTargets struct {
	list  []NotifyTarget
	added []NotifyForm
	by    []string
}

type fieldErr struct{ field, msg string }

func (e fieldErr) Error() string     { return "field " + e.field + ": " + e.msg }
func (e fieldErr) FieldName() string { return e.field }

func (f *fakeTargets) List(context.Context) ([]NotifyTarget, error) { return slices.Clone(f.list), nil }

func (f *fakeTargets) Add(_ context.Context, form NotifyForm, by string) (NotifyTarget, error) {
	if strings.HasPrefix(form.URL, "http://") {
		return NotifyTarget{}, fieldErr{"url", "use https"}
	}
	if form.Name == "" {
		return NotifyTarget{}, fieldErr{"name", "give the target a name"}
	}
	f.added, f.by = append(f.added, form), append(f.by, by)
	t := NotifyTarget{ID: "nt-" + form.Name, Name: form.Name, Kind: form.Kind, Where: "https://hooks.example/…", MinLevel: form.MinLevel,
		CreatedAt: testNow, CreatedBy: by}
	f.list = append(f.list, t)
	return t, nil
}

func (f *fakeTargets) Remove(_ context.Context, id string) (NotifyTarget, error) {
	for i, t := range f.list {
		if t.ID == id && !t.FromFile {
			f.list = slices.Delete(f.list, i, i+1)
			return t, nil
		}
	}
	return NotifyTarget{}, errors.New("no notification target has this id")
}

func (f *fakeTargets) Test(_ context.Context, id string) (NotifyTarget, error, error) {
	for _, t := range f.list {
		if t.ID == id {
			if t.Name == "broken" {
				return t, errors.New("HTTP 404 Not Found from slack https://hooks.slack.com"), nil
			}
			return t, nil, nil
		}
	}
	return NotifyTarget{}, nil, errors.New("no notification target has this id")
}

func TestSettingsNotifyTargets(t *testing.T) {
	f := newPagesFixture(t)
	targets := f.deps.Notify.(*fakeTargets)
	admin := as(auth.RoleAdmin)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	// Added: the target is listed with a test and a remove button, the
	// file's with a test button only.
	w := f.post(t, admin, "/settings/notify", form("kind", "teams", "name", "SOC Teams", "url", "https://x.webhook.office.com/webhookb2/SECRET", "min_level", "critical"))
	if w.Code != 303 || w.Header().Get("Location") != "/settings?done=target#targets" {
		t.Fatalf("add: %d to %q, want 303 to the settings page", w.Code, w.Header().Get("Location"))
	}
	if len(targets.added) != 1 || targets.by[0] != "admin-1" || targets.added[0].MinLevel != "critical" {
		t.Fatalf("added %+v by %v, want the form's target by admin-1", targets.added, targets.by)
	}
	a := f.audited[len(f.audited)-1]
	if a.action != "settings: add notification target" || !strings.Contains(a.object, `"SOC Teams"`) || strings.Contains(a.object, "SECRET") || a.outcome != "done" {
		t.Errorf("audit %+v: want the add, by name, without the URL's secret", a)
	}
	page := f.get(t, admin, "/settings?done=target").Body.String()
	contains(t, "settings", page, "The notification target was added", "Added here", "<td>SOC Teams</td>", "28 Nov 2026",
		`<input type="hidden" name="id" value="nt-SOC Teams"><button type="submit" class="button button-warning">Remove<span class="visually-hidden"> SOC Teams</span>`,
		`<input type="hidden" name="id" value="file-0"><button type="submit" class="button button-secondary">Send a test`)
	if n := strings.Count(page, `action="/settings/notify/remove"`); n != 1 {
		t.Errorf("%d remove buttons, want 1: the file's target is not removable here", n)
	}

	// Refused: the error is beside the field it names, tied to it, and
	// the summary links to it; what was typed is kept.
	w = f.post(t, admin, "/settings/notify", form("kind", "slack", "name", "Slack", "url", "http://hooks.slack.com/x"))
	if w.Code != 400 {
		t.Fatalf("add with http: %d, want 400", w.Code)
	}
	contains(t, "refused add", w.Body.String(), "The target was not added", `<a href="#target-url">use https</a>`,
		`<p class="error-message" id="target-url-error"><span class="visually-hidden">Error:</span> use https</p>`,
		`aria-describedby="target-url-hint target-url-error" aria-invalid="true"`, `value="http://hooks.slack.com/x"`,
		`<option value="slack" selected>`)
	lacks(t, "refused add", w.Body.String(), `id="target-name-error"`, `field url:`)

	// Remove asks first, then removes.
	w = f.post(t, admin, "/settings/notify/remove", form("id", "nt-SOC Teams"))
	contains(t, "remove confirmation", w.Body.String(), "Remove SOC Teams?", `role="alertdialog"`, `name="confirm" value="yes"`, "No, keep it")
	if len(targets.list) != 2 {
		t.Fatal("removed before confirmation")
	}
	if w := f.post(t, admin, "/settings/notify/remove", form("id", "file-0")); !strings.Contains(w.Body.String(), "no notification target file-0 to remove here") {
		t.Error("a file target was offered for removal")
	}
	w = f.post(t, admin, "/settings/notify/remove", form("id", "nt-SOC Teams", "confirm", "yes"))
	if w.Code != 303 || len(targets.list) != 1 {
		t.Fatalf("confirmed remove: %d, %d targets left; want 303 and 1", w.Code, len(targets.list))
	}
	if a := f.audited[len(f.audited)-1]; a.action != "settings: remove notification target" || !strings.Contains(a.object, "nt-SOC Teams") {
		t.Errorf("audit %+v: want the remove", a)
	}
}

func TestSettingsSendTest(t *testing.T) {
	f := newPagesFixture(t)
	targets := f.deps.Notify.(*fakeTargets)
	targets.list = append(targets.list, NotifyTarget{ID: "nt-b", Name: "broken", Kind: "Slack", Where: "https://hooks.slack.com/…", CreatedAt: testNow.Add(-time.Hour)})
	admin := as(auth.RoleAdmin)
	tests := []struct {
		id   string
		code int
		want []string
		out  string // the audit outcome's start
	}{
		{"file-0", 200, []string{"Test notification to Slack: delivered", "Vigil test notification", `role="status"`}, "done"},
		{"nt-b", 200, []string{"Test notification to broken: not delivered", "HTTP 404 Not Found from slack https://hooks.slack.com", "panel-danger"}, "refused: HTTP 404"},
		{"nt-none", 400, []string{"no notification target has this id"}, "refused: no notification target"},
	}
	for _, tt := range tests {
		w := f.post(t, admin, "/settings/notify/test", url.Values{"id": {tt.id}})
		if w.Code != tt.code {
			t.Errorf("test %s: %d, want %d", tt.id, w.Code, tt.code)
		}
		contains(t, "test "+tt.id, w.Body.String(), tt.want...)
		if a := f.audited[len(f.audited)-1]; a.action != "settings: test notification target" || !strings.HasPrefix(a.outcome, tt.out) || !strings.Contains(a.object, tt.id) {
			t.Errorf("test %s: audit %+v, want outcome %q", tt.id, a, tt.out)
		}
	}
}

func TestSettingsWithoutNotifyTargets(t *testing.T) {
	f := newPagesFixture(t)
	f.c.deps.Notify = nil
	admin := as(auth.RoleAdmin)
	contains(t, "settings", f.get(t, admin, "/settings").Body.String(), "None is set in the configuration file", "None yet")
	w := f.post(t, admin, "/settings/notify", url.Values{"kind": {"slack"}, "name": {"x"}, "url": {"https://hooks.slack.com/x"}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "keeps no notification targets") {
		t.Errorf("add without a store: %d, want 400 saying there is none", w.Code)
	}
}

func TestTargetObject(t *testing.T) {
	tests := []struct {
		t     NotifyTarget
		asked string
		want  string
	}{
		{NotifyTarget{ID: "nt-a", Name: "SOC", Kind: "Slack", Where: "https://hooks.slack.com/…"}, "", `notification target nt-a "SOC" Slack https://hooks.slack.com/…`},
		{NotifyTarget{}, "typed", `notification target  "typed"`},
		{NotifyTarget{ID: "file-1"}, "", "notification target file-1"},
	}
	for _, tt := range tests {
		if got := TargetObject(tt.t, tt.asked); got != tt.want {
			t.Errorf("TargetObject = %q, want %q", got, tt.want)
		}
	}
}
