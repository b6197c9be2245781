package serve

import (
	"errors"
	"html/template"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/vigilhealth/vigil/internal/people"
)

// The pulse form's limits. Requests are counted per address in memory
// only, for the window, and never written anywhere: enough to stop one
// machine flooding a round, generous enough for a ward behind one NAT
// address.
const (
	pulseRequestsPerWindow = 120
	pulseWindow            = 10 * time.Minute
	maxPulseForm           = 16 << 10
)

// pulsePage is what the form template shows.
type pulsePage struct {
	Round, Token, Mailbox string
	Groups, Sites         []string
	Questions             []pulseQuestion
	Message               string // thanks, or what was wrong
	Done                  bool
}

type pulseQuestion struct {
	Key, Text string
	Choices   []people.Answer
}

var agreeScale = []people.Answer{people.StronglyAgree, people.Agree, people.Neither, people.Disagree, people.StronglyDisagree}

// pulseQuestions are the four questions: agreement for the first three,
// yes or no for training, as the national survey asks them.
func pulseQuestions() []pulseQuestion {
	out := make([]pulseQuestion, 0, len(people.QuestionText))
	for q, text := range people.QuestionText {
		choices := agreeScale
		if people.Question(q) == people.QTraining {
			choices = []people.Answer{people.Yes, people.No}
		}
		out = append(out, pulseQuestion{Key: people.Question(q).String(), Text: text, Choices: choices})
	}
	return out
}

// pulseTemplate has no script, no style and nothing fetched, as the
// service's content security policy requires; no cookie is set.
var pulseTemplate = template.Must(template.New("pulse").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Staff cyber security pulse {{.Round}}</title></head><body><main>
<h1>Staff cyber security pulse, {{.Round}}</h1>
{{if .Message}}<p role="status">{{.Message}}</p>{{end}}
{{if not .Done}}
<p>Four questions, anonymous: we keep only counts per staff group and site, never your answers as a set, nor your name, address or the time you answered. Results are shown for groups of ten or more only.</p>
<form method="post" action="/pulse/{{.Round}}">
<input type="hidden" name="t" value="{{.Token}}">
<p><label>Staff group <select name="staff_group" required><option value=""></option>{{range .Groups}}<option>{{.}}</option>{{end}}</select></label></p>
<p><label>Site <select name="site" required><option value=""></option>{{range .Sites}}<option>{{.}}</option>{{end}}</select></label></p>
{{range .Questions}}{{$k := .Key}}<fieldset><legend>{{.Text}}</legend>
{{range .Choices}}<label><input type="radio" name="{{$k}}" value="{{.}}"> {{.}}</label> {{end}}
</fieldset>
{{end}}<p><button type="submit">Send</button></p>
</form>{{end}}
{{if .Mailbox}}<p>Seen a suspicious email? Forward it to <a href="mailto:{{.Mailbox}}">{{.Mailbox}}</a>.</p>{{end}}
</main></body></html>
`))

// pulseGate checks a pulse request: the round is open, the link's token
// is the round's and the address is within its limit. It answers and
// returns false when the request may not go on. A wrong round or token
// gets the same 404, so that neither can be probed.
func (s *Service) pulseGate(w http.ResponseWriter, r *http.Request, token string) (string, bool) {
	round := r.PathValue("round")
	w.Header().Set("Cache-Control", "no-store")
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	if wait := s.pulseLimit.Check(addr); wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		http.Error(w, "Too many requests from this address; try again later.", http.StatusTooManyRequests)
		return "", false
	}
	s.pulseLimit.Fail(addr) // every request counts towards the limit
	if !slices.Contains(s.cfg.People.PulseRounds, round) || !s.people.CheckPulseLink(round, token) {
		http.Error(w, "No such pulse round.", http.StatusNotFound)
		return "", false
	}
	return round, true
}

func retryAfter(d time.Duration) string { return strconv.Itoa(int(d.Seconds()) + 1) }

func (s *Service) handlePulseForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	round, ok := s.pulseGate(w, r, token)
	if !ok {
		return
	}
	s.renderPulse(w, http.StatusOK, round, token, "", false)
}

func (s *Service) handlePulseAnswer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPulseForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form could not be read.", http.StatusBadRequest)
		return
	}
	token := r.PostForm.Get("t")
	round, ok := s.pulseGate(w, r, token)
	if !ok {
		return
	}
	resp := people.Response{Round: round, Group: r.PostForm.Get("staff_group"), Site: r.PostForm.Get("site")}
	for q := range resp.Answers {
		resp.Answers[q] = people.Answer(r.PostForm.Get(people.Question(q).String()))
	}
	err := s.people.SubmitPulse(r.Context(), resp)
	var fe *people.FieldError
	switch {
	case err == nil:
		s.renderPulse(w, http.StatusOK, round, "", "Thank you: your answers are counted.", true)
	case errors.As(err, &fe):
		s.renderPulse(w, http.StatusBadRequest, round, token, "Please check the form: "+fe.Error(), false)
	case errors.Is(err, people.ErrNoDirectory):
		http.Error(w, "The pulse is not open yet.", http.StatusServiceUnavailable)
	default:
		s.log.Error("pulse answer not saved", "round", round, "err", err)
		http.Error(w, "Your answers could not be saved; please send them again.", http.StatusServiceUnavailable)
	}
}

func (s *Service) renderPulse(w http.ResponseWriter, code int, round, token, msg string, done bool) {
	page := pulsePage{Round: round, Token: token, Mailbox: s.cfg.People.Mailbox, Questions: pulseQuestions(), Message: msg, Done: done}
	if d := s.people.Directory(); d != nil {
		groups, sites := d.Workforce()
		page.Groups, page.Sites = sortedKeys(groups), sortedKeys(sites)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	if err := pulseTemplate.Execute(w, page); err != nil {
		s.log.Warn("pulse page", "err", err)
	}
}
