package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

// TestHTMLPolicyFitsTheReport: the policy's style hash is that of the
// style element WriteHTML writes, and the report has no script or other
// style for the policy to block.
func TestHTMLPolicyFitsTheReport(t *testing.T) {
	var b bytes.Buffer
	doc := &Doc{Title: "T", Charts: []chart{{Title: "C", Bars: []bar{{Label: "x", Value: 1, Text: "1", Fill: blue}}}}}
	if err := WriteHTML(&b, doc); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if n := strings.Count(page, "<style>"); n != 1 {
		t.Fatalf("%d style elements, want 1", n)
	}
	_, rest, _ := strings.Cut(page, "<style>")
	css, _, _ := strings.Cut(rest, "</style>")
	sum := sha256.Sum256([]byte(css))
	want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if !strings.Contains(HTMLPolicy, want) {
		t.Errorf("policy %q lacks %q", HTMLPolicy, want)
	}
	for _, bad := range []string{"<script", " style=", " onload=", " onclick=", "<link", "src=\"http"} {
		if strings.Contains(page, bad) {
			t.Errorf("the report has %q, which its policy blocks", bad)
		}
	}
	for _, need := range []string{"default-src 'none'", "frame-ancestors 'self'", "form-action 'none'"} {
		if !strings.Contains(HTMLPolicy, need) {
			t.Errorf("policy lacks %q", need)
		}
	}
}
