package eventstore

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Pair is one field value of an event.
type Pair struct {
	Name, Value string
}

// Fields are an event's field values in their order. They marshal to a
// JSON object in that order; a field that occurs more than once becomes an
// array of its values, at the place of its first occurrence.
type Fields []Pair

// Get returns the first value of the named field (names compare exactly).
func (f Fields) Get(name string) (string, bool) {
	for _, p := range f {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// MarshalJSON implements json.Marshaler.
func (f Fields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	done := map[string]bool{}
	for i, p := range f {
		if done[p.Name] {
			continue
		}
		done[p.Name] = true
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeJSONString(&b, p.Name)
		b.WriteByte(':')
		var more []string
		for _, q := range f[i+1:] {
			if q.Name == p.Name {
				more = append(more, q.Value)
			}
		}
		if len(more) == 0 {
			writeJSONString(&b, p.Value)
			continue
		}
		b.WriteByte('[')
		writeJSONString(&b, p.Value)
		for _, v := range more {
			b.WriteByte(',')
			writeJSONString(&b, v)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

// UnmarshalJSON implements json.Unmarshaler, keeping the object's order;
// an array value gives one Pair per element.
func (f *Fields) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("fields: want a JSON object, got %s", data)
	}
	*f = (*f)[:0]
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("fields: %w", err)
		}
		name, _ := tok.(string) // object keys are strings
		var v any
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("fields: value of %q: %w", name, err)
		}
		switch x := v.(type) {
		case string:
			*f = append(*f, Pair{name, x})
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return fmt.Errorf("fields: %q holds a %T, want strings", name, e)
				}
				*f = append(*f, Pair{name, s})
			}
		default:
			return fmt.Errorf("fields: %q holds a %T, want a string or an array of strings", name, v)
		}
	}
	_, err := dec.Token() // the closing brace
	return err
}
