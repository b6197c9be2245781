package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// capture is a webhook receiver that records requests and answers with
// the statuses given, then 200.
type capture struct {
	srv      *httptest.Server
	bodies   chan []byte
	headers  chan http.Header
	statuses []int
	extra    http.Header
}

func newCapture(t *testing.T, statuses ...int) *capture {
	c := &capture{bodies: make(chan []byte, 100), headers: make(chan http.Header, 100), statuses: statuses}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.bodies <- b
		c.headers <- r.Header.Clone()
		for k, v := range c.extra {
			w.Header()[k] = v
		}
		if len(c.statuses) > 0 {
			code := c.statuses[0]
			c.statuses = c.statuses[1:]
			http.Error(w, "no", code)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func TestHTTPPayloads(t *testing.T) {
	tests := []struct {
		name   string
		target func(url string) Target
	}{
		{"webhook", func(u string) Target { return NewWebhook(u, map[string]string{"Authorization": "Bearer s3cret"}, nil) }},
		{"teams", func(u string) Target { return NewTeams(u, nil) }},
		{"slack", func(u string) Target { return NewSlack(u, nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCapture(t)
			tg := tt.target(c.srv.URL + "/hook/SECRETPATH")
			if err := tg.Send(context.Background(), sample()); err != nil {
				t.Fatal(err)
			}
			if n := tg.Name(); n != tt.name+" "+c.srv.URL {
				t.Errorf("name %q, want %q (no path: it is the secret)", n, tt.name+" "+c.srv.URL)
			}
			body := <-c.bodies
			h := <-c.headers
			if ct := h.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.name == "webhook" && h.Get("Authorization") != "Bearer s3cret" {
				t.Errorf("Authorization header %q not sent", h.Get("Authorization"))
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatalf("body is not JSON: %v\n%s", err, body)
			}
			pretty.WriteByte('\n')
			sharedtest.Golden(t, filepath.Join("testdata", tt.name+".json"), pretty.Bytes(), *update)
		})
	}
}

func TestHTTPStatusClasses(t *testing.T) {
	tests := []struct {
		code      int
		retryable bool
	}{
		{400, false}, {401, false}, {404, false}, {429, true}, {500, true}, {503, true},
	}
	for _, tt := range tests {
		c := newCapture(t, tt.code)
		err := NewWebhook(c.srv.URL, nil, nil).Send(context.Background(), sample())
		if err == nil {
			t.Fatalf("%d: no error", tt.code)
		}
		if got := !isPermanent(err); got != tt.retryable {
			t.Errorf("%d: retryable %v, want %v (%v)", tt.code, got, tt.retryable, err)
		}
	}
}

func TestPostJSON(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		wantErr   bool
		permanent bool
	}{
		{"accepted", nil, false, false},
		{"refused", []int{403}, true, true},
		{"server error", []int{502}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCapture(t, tt.statuses...)
			body := map[string]any{"version": 1, "guidance": map[string]string{"to": "aisha.khan@trust.example"}}
			err := PostJSON(context.Background(), nil, c.srv.URL, map[string]string{"Authorization": "Bearer g"}, body)
			if (err != nil) != tt.wantErr || (err != nil && IsPermanent(err) != tt.permanent) {
				t.Fatalf("err %v; want error %v, permanent %v", err, tt.wantErr, tt.permanent)
			}
			got, h := <-c.bodies, <-c.headers
			if !bytes.Equal(got, []byte(`{"guidance":{"to":"aisha.khan@trust.example"},"version":1}`)) || h.Get("Authorization") != "Bearer g" || h.Get("Content-Type") != "application/json" {
				t.Fatalf("posted %s with %v", got, h)
			}
		})
	}
}
