package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// httpTarget posts a JSON body built from each alert to one URL.
type httpTarget struct {
	kind    string // "webhook", "teams", "slack"
	url     string
	headers map[string]string
	client  *http.Client
}

func newHTTPTarget(kind, rawURL string, headers map[string]string, client *http.Client) httpTarget {
	if client == nil {
		client = http.DefaultClient
	}
	return httpTarget{kind: kind, url: rawURL, headers: headers, client: client}
}

// Name is the kind with the URL's scheme and host: paths of incoming
// webhooks are their secret.
func (t httpTarget) Name() string {
	u, err := url.Parse(t.url)
	if err != nil || u.Host == "" {
		return t.kind
	}
	return t.kind + " " + u.Scheme + "://" + u.Host
}

// post sends body as JSON and turns any status but 2xx into an error
// that says whether to retry.
func (t httpTarget) post(ctx context.Context, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return permanent(fmt.Errorf("%s: encode payload: %w", t.Name(), err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(b))
	if err != nil { // the error quotes the URL: name the target only
		return permanent(fmt.Errorf("%s: the address is not a URL that can be posted to", t.Name()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vigil")
	for k, v := range t.headers {
		req.Header.Set(k, v)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		// Network errors are worth retrying. The client's error quotes the
		// whole URL, whose path is the secret of a Teams or Slack hook:
		// keep only what went wrong.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s: POST: %w", t.Name(), err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("HTTP %s from %s", resp.Status, t.Name())
	if said := bytes.TrimSpace(snippet); len(said) > 0 {
		err = fmt.Errorf("%w: %s", err, said)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return retryAfter(err, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	case resp.StatusCode >= 500:
		return err
	}
	// Other answers (4xx, or 1xx/3xx that were not followed) will not
	// change by asking again.
	return permanent(err)
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; 0 when
// absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
