package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// postBundle sends AuditEvents as one FHIR batch Bundle to POST /fhir and
// checks that every entry was created.
func (p *Player) postBundle(ctx context.Context, resources [][]byte) error {
	var b bytes.Buffer
	b.WriteString(`{"resourceType":"Bundle","type":"batch","entry":[`)
	for i, r := range resources {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"resource":`)
		b.Write(r)
		b.WriteString(`,"request":{"method":"POST","url":"AuditEvent"}}`)
	}
	b.WriteString(`]}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/fhir", &b)
	if err != nil {
		return fmt.Errorf("send AuditEvents to %s: %w", p.URL, err)
	}
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Content-Type", "application/fhir+json")
	resp, err := p.client().Do(req)
	if err != nil {
		return fmt.Errorf("send %d AuditEvents to %s: %w", len(resources), p.URL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	var ans struct {
		Entry []struct {
			Response struct {
				Status string `json:"status"`
			} `json:"response"`
		} `json:"entry"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &ans) != nil {
		return fmt.Errorf("send %d AuditEvents to %s: status %d: %.300s", len(resources), p.URL, resp.StatusCode, data)
	}
	for i, e := range ans.Entry {
		if !strings.HasPrefix(e.Response.Status, "201") {
			return fmt.Errorf("send AuditEvents to %s: entry %d answered %s: %.300s", p.URL, i, e.Response.Status, data)
		}
		p.fhirSent.Add(1)
	}
	return nil
}

// sendHL7 sends one message over MLLP, connecting on first use, and waits
// for its ACK, which must be AA.
func (p *Player) sendHL7(ctx context.Context, msg string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mllp == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", p.MLLP)
		if err != nil {
			return fmt.Errorf("connect to MLLP %s: %w", p.MLLP, err)
		}
		p.mllp, p.acks = c, hl7.NewMLLPReader(c, 0)
	}
	fail := func(err error) error {
		p.mllp.Close()
		p.mllp, p.acks = nil, nil
		return fmt.Errorf("send HL7 message to %s: %w", p.MLLP, err)
	}
	p.mllp.SetDeadline(time.Now().Add(time.Minute))
	if err := hl7.WriteMLLP(p.mllp, []byte(msg)); err != nil {
		return fail(err)
	}
	raw, err := p.acks.Next()
	if err != nil {
		return fail(err)
	}
	ack, err := hl7.Parse(raw)
	if err != nil {
		return fail(err)
	}
	if code := ack.Get("MSA-1"); code != "AA" {
		return fmt.Errorf("HL7 message to %s answered %s: %s", p.MLLP, code, ack.Get("MSA-3"))
	}
	p.hl7Sent.Add(1)
	return nil
}

// FHIRSent is how many AuditEvents the service has created.
func (p *Player) FHIRSent() int64 { return p.fhirSent.Load() }

// HL7Sent is how many HL7 messages the service has acknowledged AA.
func (p *Player) HL7Sent() int64 { return p.hl7Sent.Load() }
