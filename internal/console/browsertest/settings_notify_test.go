package browsertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clickInRow clicks the button of form action in the table row that
// shows name.
func clickInRow(name, action string) string {
	return `(() => {
		const row = [...document.querySelectorAll("main tbody tr")].find(r => r.textContent.includes(` + jsString(name) + `));
		row.querySelector('form[action="` + action + `"] button').click();
	})()`
}

// TestAdminAddsAndTestsANotificationTarget: an administrator adds a
// webhook pointing at a local server, sends it a test from its row,
// sees it delivered (and the server gets it), and removes it after
// confirming.
func TestAdminAddsAndTestsANotificationTarget(t *testing.T) {
	got := make(chan string, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	defer hook.Close()
	v := sharedVigil(t)
	b := startBrowser(t)
	b.login(t, v, "adam.inistra")
	b.page(t, v, "/settings", "settings")
	const name = "Browser test hook"
	b.do(t, "fill in the add form",
		chromedp.SendKeys(chromedp.ID("target-name"), name),
		chromedp.SendKeys(chromedp.ID("target-url"), hook.URL+"/hooks/browser-secret"),
	)
	if status := b.respond(t, "add the target", chromedp.Submit(chromedp.ID("target-url"))); status != 200 {
		t.Fatalf("adding the target answered %d:\n%s", status, b.text(t))
	}
	if text := b.text(t); !strings.Contains(text, "The notification target was added") || !strings.Contains(text, name) || strings.Contains(text, "browser-secret") {
		t.Fatalf("after adding, the page does not list the target (or shows its path):\n%s", text)
	}

	status := b.respond(t, "send a test", chromedp.Evaluate[chromedp.Void](clickInRow(name, "/settings/notify/test")))
	if text := b.text(t); status != 200 || !strings.Contains(text, "Test notification to "+name+": delivered") {
		t.Fatalf("the test send answered %d:\n%s", status, text)
	}
	b.shot(t, "settings-target-tested")
	select {
	case body := <-got:
		if !strings.Contains(body, `"rule_title":"Vigil test notification"`) {
			t.Errorf("the hook got %.300s, want the test notification", body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the test notification never reached the hook")
	}

	if status := b.respond(t, "ask to remove", chromedp.Evaluate[chromedp.Void](clickInRow(name, "/settings/notify/remove"))); status != 200 {
		t.Fatalf("asking to remove answered %d", status)
	}
	if status := b.respond(t, "confirm the removal", chromedp.Click(chromedp.CSS("#confirm-remove button"))); status != 200 {
		t.Fatalf("confirming the removal answered %d:\n%s", status, b.text(t))
	}
	if text := b.text(t); !strings.Contains(text, "The notification target was removed") || strings.Contains(text, name) {
		t.Errorf("after removing, the page still lists the target:\n%s", text)
	}
}
