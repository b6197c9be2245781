package browsertest

import (
	"encoding/json"
	"net/http"
)

// jsObject is m as a JavaScript object literal.
func jsObject(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// jsBody is body as a JavaScript string literal, or undefined for a GET.
func jsBody(method, body string) string {
	if method == http.MethodGet || method == http.MethodHead {
		return "undefined"
	}
	b, _ := json.Marshal(body)
	return string(b)
}
