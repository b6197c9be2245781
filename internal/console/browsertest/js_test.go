package browsertest

import (
	"encoding/json"
	"net/http"
	"strconv"
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

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsonID is an id decoded from JSON (a number or a string) as text.
func jsonID(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	return ""
}
