package httpin

import (
	"encoding/json"
	"net/http"
)

// answer is the body of a 200.
type answer struct {
	Accepted     int       `json:"accepted"`
	Refused      []refused `json:"refused"`
	RefusedCount int       `json:"refused_count"`
}

// refused is one refused line in an answer.
type refused struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// writeAnswer answers 200 with what was accepted and refused.
func writeAnswer(w http.ResponseWriter, req *request) {
	a := answer{Accepted: len(req.evs), Refused: make([]refused, 0, min(len(req.refused), maxListed)), RefusedCount: len(req.refused)}
	for _, r := range req.refused[:min(len(req.refused), maxListed)] {
		a.Refused = append(a.Refused, refused{Line: r.line, Error: r.err.Error()})
	}
	writeJSON(w, http.StatusOK, a)
}

// writeError answers status with {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only plain structs of strings and numbers are written
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
