package fhir

import "testing"

// TestDecodeQuery: the forms of base64 producers send, wrapped or not, and
// text that is not base64 kept as given.
func TestDecodeQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"R0VUIC9QYXRpZW50P2ZhbWlseT1KYWNrc29u", "GET /Patient?family=Jackson"},
		{"R0VUIC9QYXRp\nZW50P2ZhbWls\r\neT1KYWNrc29u", "GET /Patient?family=Jackson"},
		{" R0VUIC9QYXRpZW50P2ZhbWlseT1KYWNrc29u\t", "GET /Patient?family=Jackson"},
		{"eA==", "x"},
		{"eA", "x"},
		{"-_8=", "\xfb\xff"},
		{"", ""},
		{"family=Jackson&given=Robert", "family=Jackson&given=Robert"},
		{"family = Jackson", "family=Jackson"},
	}
	for _, tt := range tests {
		if got := decodeQuery(tt.in); got != tt.want {
			t.Errorf("decodeQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
