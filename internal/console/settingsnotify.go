package console

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strings"
)

// NotifyTargets is what the settings page lists, adds, removes and tests:
// the configuration file's targets and those added at run time (serve's,
// over its target store).
type NotifyTargets interface {
	// List returns every target, the file's first.
	List(ctx context.Context) ([]NotifyTarget, error)
	// Add adds a target made from f by by. An error with a FieldName()
	// string method names the form field that is wrong.
	Add(ctx context.Context, f NotifyForm, by string) (NotifyTarget, error)
	// Remove removes the target id; the file's are refused.
	Remove(ctx context.Context, id string) (NotifyTarget, error)
	// Test sends one test notification to the target id and returns the
	// target and the send's outcome, sent (nil: delivered); err says why
	// no test could be sent (no such target, say).
	Test(ctx context.Context, id string) (t NotifyTarget, sent, err error)
}

// NotifyForm is what the add form asks.
type NotifyForm struct {
	Kind, Name, URL, Network, Addr, MinLevel string
}

// notifyFields are the add form's fields, as FieldName gives them.
var notifyFields = []string{"kind", "name", "url", "network", "addr", "min_level"}

// notifyPages are the targets' changes on the settings page.
func (c *Console) notifyPages() []Page {
	return []Page{
		{Pattern: "POST /settings/notify", Handler: http.HandlerFunc(c.addTarget)},
		{Pattern: "POST /settings/notify/remove", Handler: http.HandlerFunc(c.removeTarget)},
		{Pattern: "POST /settings/notify/test", Handler: http.HandlerFunc(c.testTarget)},
	}
}

// addTarget answers POST /settings/notify: a new target from the form.
func (c *Console) addTarget(w http.ResponseWriter, r *http.Request) {
	f := NotifyForm{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), URL: r.PostFormValue("url"),
		Network: r.PostFormValue("network"), Addr: r.PostFormValue("addr"), MinLevel: r.PostFormValue("min_level")}
	err := errNoStore(c.deps.Notify != nil, "notification targets")
	var t NotifyTarget
	if err == nil {
		t, err = c.deps.Notify.Add(r.Context(), f, principalName(r))
	}
	// The URL may hold the hook's secret: the audit log has only where.
	c.audit(r, "settings: add notification target", TargetObject(t, f.Name), err)
	if err != nil {
		c.renderSettings(w, r, http.StatusBadRequest, func(v *settingsView) {
			v.Form, v.FormField = f, formField(err)
			v.FormError = strings.TrimPrefix(err.Error(), "field "+v.FormField+": ")
		})
		return
	}
	http.Redirect(w, r, "/settings?done=target#targets", http.StatusSeeOther)
}

// removeTarget answers POST /settings/notify/remove: without confirm=yes
// it asks whether to remove the target; with it, removes it.
func (c *Console) removeTarget(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	if r.PostFormValue("confirm") != "yes" {
		c.renderSettings(w, r, http.StatusOK, func(v *settingsView) {
			for i := range v.Targets {
				if v.Targets[i].ID == id && !v.Targets[i].FromFile {
					v.Confirm = &v.Targets[i]
				}
			}
			if v.Confirm == nil {
				v.Error = "There is no notification target " + id + " to remove here."
			}
		})
		return
	}
	err := errNoStore(c.deps.Notify != nil, "notification targets")
	var t NotifyTarget
	if err == nil {
		t, err = c.deps.Notify.Remove(r.Context(), id)
	}
	c.audit(r, "settings: remove notification target", TargetObject(withID(t, id), ""), err)
	if err != nil {
		c.refuseChange(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?done=target-removed#targets", http.StatusSeeOther)
}

// testTarget answers POST /settings/notify/test: one test notification,
// sent now, and the page showing whether it was delivered.
func (c *Console) testTarget(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("id")
	err := errNoStore(c.deps.Notify != nil, "notification targets")
	var t NotifyTarget
	var sent error
	if err == nil {
		t, sent, err = c.deps.Notify.Test(r.Context(), id)
	}
	outcome := errors.Join(err, sent)
	c.audit(r, "settings: test notification target", TargetObject(withID(t, id), ""), outcome)
	if err != nil {
		c.refuseChange(w, r, err)
		return
	}
	res := &testSend{Target: t, Delivered: sent == nil}
	if sent != nil {
		res.Error = sent.Error()
	}
	c.renderSettings(w, r, http.StatusOK, func(v *settingsView) { v.Tested = res })
}

// TargetObject names a target in the audit log: its ID, name (asked, the
// name given, when t has none), kind and where it sends (the host, never
// a URL's path or token).
func TargetObject(t NotifyTarget, asked string) string {
	obj := "notification target " + t.ID
	if name := cmp.Or(t.Name, asked); name != "" {
		obj += ` "` + name + `"`
	}
	if t.Where != "" {
		obj += " " + t.Kind + " " + t.Where
	}
	return obj
}

// formField is the add form's field that err names, or "".
func formField(err error) string {
	var fe interface{ FieldName() string }
	if errors.As(err, &fe) {
		for _, f := range notifyFields {
			if fe.FieldName() == f {
				return f
			}
		}
	}
	return ""
}

// withID is t with the ID asked for, when t is empty (not found).
func withID(t NotifyTarget, id string) NotifyTarget {
	t.ID = id
	return t
}
