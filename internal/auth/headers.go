package auth

import (
	"net/http"
	"strings"
)

// ContentSecurityPolicy admits scripts, styles and images from Vigil
// itself only: no inline script, no plug-ins, no framing, forms posting
// only back to Vigil.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecurityHeaders sets the security headers on every answer of next:
// Content-Security-Policy, X-Content-Type-Options, Referrer-Policy,
// X-Frame-Options (for browsers without frame-ancestors),
// Cross-Origin-Opener-Policy, Strict-Transport-Security when tls, and
// Cache-Control: no-store on /api/ answers, which may hold patient data
// and must not stay in a shared computer's browser cache.
func SecurityHeaders(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
