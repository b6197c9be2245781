package people

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"
	"time"
)

//go:embed templates/*.tmpl
var defaultTemplateFS embed.FS

// Templates holds one text/template per topic; each defines a "subject"
// and a "body". Templates see a GuidanceData.
type Templates struct {
	byTopic map[Topic]*template.Template
}

// GuidanceData is what a guidance template may use.
type GuidanceData struct {
	FirstName string // the first word of the person's name
	Name      string
	Topic     Topic
	RuleTitle string
	Level     string
	Host      string
	When      string // the alert's time, written out ("Tuesday 3 March 2026 at 14:05")
}

// DefaultTemplates returns the built-in templates, one per topic.
func DefaultTemplates() *Templates {
	t, err := LoadTemplates(nil)
	if err != nil {
		panic("people: built-in guidance templates: " + err.Error())
	}
	return t
}

// LoadTemplates reads "<topic>.tmpl" files from fsys (for example
// os.DirFS of an organisation's template folder) over the built-in ones;
// topics without a file keep the default. A file for no known topic, a
// template that does not parse, lacks "subject" or "body", or fails on
// sample data is refused with its file name. fsys may be nil.
func LoadTemplates(fsys fs.FS) (*Templates, error) {
	t := &Templates{byTopic: map[Topic]*template.Template{}}
	for _, topic := range Topics {
		if err := t.load(defaultTemplateFS, "templates/"+string(topic)+".tmpl", topic); err != nil {
			return nil, err
		}
	}
	if fsys == nil {
		return t, nil
	}
	files, err := fs.Glob(fsys, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("guidance templates: %w", err)
	}
	for _, f := range files {
		topic := Topic(strings.TrimSuffix(path.Base(f), ".tmpl"))
		if !knownTopic(topic) {
			return nil, fmt.Errorf("guidance template %s: no topic %q (topics: %s)", f, topic, topicList())
		}
		if err := t.load(fsys, f, topic); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// load parses one template file and checks it renders.
func (t *Templates) load(fsys fs.FS, file string, topic Topic) error {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return fmt.Errorf("guidance template %s: %w", file, err)
	}
	tmpl, err := template.New(file).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return fmt.Errorf("guidance template %s: %w", file, err)
	}
	sample := GuidanceData{FirstName: "Sam", Name: "Sam Example", Topic: topic, RuleTitle: "Example rule", Level: "high", Host: "WS-EXAMPLE", When: "Monday 2 March 2026 at 09:00"}
	if _, _, err := render(tmpl, sample); err != nil {
		return fmt.Errorf("guidance template %s: %w", file, err)
	}
	t.byTopic[topic] = tmpl
	return nil
}

// Render writes the subject and body of a topic's message.
func (t *Templates) Render(topic Topic, d GuidanceData) (subject, body string, err error) {
	tmpl, ok := t.byTopic[topic]
	if !ok {
		return "", "", fmt.Errorf("guidance: no template for topic %q", topic)
	}
	return render(tmpl, d)
}

// render executes a template's subject and body.
func render(tmpl *template.Template, d GuidanceData) (string, string, error) {
	var out [2]string
	for k, name := range []string{"subject", "body"} {
		if tmpl.Lookup(name) == nil {
			return "", "", fmt.Errorf("defines no %q template", name)
		}
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name, d); err != nil {
			return "", "", err
		}
		out[k] = strings.TrimSpace(b.String())
	}
	if strings.ContainsAny(out[0], "\r\n") {
		return "", "", fmt.Errorf("subject spans lines: %q", out[0])
	}
	return out[0], out[1], nil
}

func knownTopic(t Topic) bool {
	for _, k := range Topics {
		if k == t {
			return true
		}
	}
	return false
}

func topicList() string {
	s := make([]string, len(Topics))
	for i, t := range Topics {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// writtenTime writes a moment the way a letter would.
func writtenTime(t time.Time) string {
	return t.Format("Monday 2 January 2006 at 15:04")
}
