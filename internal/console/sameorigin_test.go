package console

import (
	"net/http/httptest"
	"testing"
)

// TestSameOrigin: what a real browser sends decides; a same-origin form
// post from Chromium carries "Origin: null" under Referrer-Policy:
// no-referrer, and must pass (the browser tests found it refused).
func TestSameOrigin(t *testing.T) {
	tests := []struct {
		name, origin, fetchSite string
		want                    bool
	}{
		{"chromium same-origin form under no-referrer", "null", "same-origin", true},
		{"same origin", "http://example.com", "same-origin", true},
		{"cross-site", "https://evil.example", "cross-site", false},
		{"same-site other origin", "http://other.example.com", "same-site", false},
		{"cross-site claiming our origin is still cross-site", "http://example.com", "cross-site", false},
		{"old browser, our origin", "http://example.com", "", true},
		{"old browser, other origin", "https://evil.example", "", false},
		{"old browser, null origin", "null", "", false},
		{"not a browser", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "http://example.com/login", nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if tt.fetchSite != "" {
				r.Header.Set("Sec-Fetch-Site", tt.fetchSite)
			}
			if got := SameOrigin(r); got != tt.want {
				t.Errorf("SameOrigin(Origin %q, Sec-Fetch-Site %q) = %v, want %v", tt.origin, tt.fetchSite, got, tt.want)
			}
		})
	}
}
