package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
	"github.com/vigilhealth/vigil/internal/wait"
)

// DefaultBatch is how many events the Player sends in one HTTP request at
// most.
const DefaultBatch = 500

// Player sends events to a running Vigil at the times they carry: Windows
// events as NDJSON to POST /api/v1/events with the bearer token, network
// devices' events as RFC 5424 lines over syslog TCP when SyslogTCP is set
// (else as flat JSON over HTTP), the EPR's AuditEvents as FHIR batch
// Bundles to POST /fhir, and the PAS's ADT messages over MLLP when MLLP is
// set (else as flat JSON over HTTP). Events due together go in one request.
// Set the fields before the first Play; Play may run in several goroutines.
type Player struct {
	URL       string // the API's base, such as http://127.0.0.1:8443
	Token     string
	SyslogTCP string       // syslog TCP address; "" sends everything over HTTP
	MLLP      string       // HL7 v2 MLLP address; "" sends ADT messages as JSON over HTTP
	Client    *http.Client // nil: http.DefaultClient
	Batch     int          // 0: DefaultBatch

	sent     atomic.Int64 // events acknowledged over HTTP
	syslogs  atomic.Int64 // lines written to syslog
	fhirSent atomic.Int64 // AuditEvents created
	hl7Sent  atomic.Int64 // HL7 messages acknowledged AA
	mu       sync.Mutex   // guards conn, mllp and acks
	conn     net.Conn
	mllp     net.Conn
	acks     *hl7.MLLPReader
}

func (p *Player) client() *http.Client {
	if p.Client == nil {
		return http.DefaultClient
	}
	return p.Client
}

// Sent is how many events the service has acknowledged over HTTP.
func (p *Player) Sent() int64 { return p.sent.Load() }

// SyslogSent is how many lines were written to the syslog listener.
func (p *Player) SyslogSent() int64 { return p.syslogs.Load() }

// Play sends events, waiting for each one's time, until they end or ctx is
// cancelled (then it returns ctx's error). An event whose time has passed is
// sent at once.
func (p *Player) Play(ctx context.Context, events iter.Seq[Event]) error {
	batch := p.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	var buf bytes.Buffer
	var fhir [][]byte
	n := 0
	flush := func() error {
		if len(fhir) > 0 {
			err := p.postBundle(ctx, fhir)
			fhir = fhir[:0]
			if err != nil {
				return err
			}
		}
		if n == 0 {
			return nil
		}
		err := p.post(ctx, buf.Bytes(), n)
		buf.Reset()
		n = 0
		return err
	}
	for ev := range events {
		if pause := time.Until(ev.Time); pause > 0 {
			if err := flush(); err != nil {
				return err
			}
			if err := wait.Sleep(ctx, pause); err != nil {
				return err
			}
		}
		if ev.FHIR != nil {
			if fhir = append(fhir, ev.FHIR); len(fhir) >= batch {
				if err := flush(); err != nil {
					return err
				}
			}
			continue
		}
		if ev.HL7 != "" && p.MLLP != "" {
			if err := p.sendHL7(ctx, ev.HL7); err != nil {
				return err
			}
			continue
		}
		if ev.Syslog != "" && p.SyslogTCP != "" {
			if err := p.syslog(ctx, ev.Syslog); err != nil {
				return err
			}
			continue
		}
		line, err := ev.JSON()
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
		if n++; n >= batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// post sends one NDJSON body of n events and checks that all were accepted.
func (p *Player) post(ctx context.Context, body []byte, n int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL+"/api/v1/events", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("send events to %s: %w", p.URL, err)
	}
	req.Header.Set("Authorization", "Bearer "+p.Token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := p.client().Do(req)
	if err != nil {
		return fmt.Errorf("send %d events to %s: %w", n, p.URL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("send %d events to %s: status %d: %s", n, p.URL, resp.StatusCode, bytes.TrimSpace(data))
	}
	var ans struct {
		Accepted int `json:"accepted"`
		Refused  []struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		} `json:"refused"`
	}
	if err := json.Unmarshal(data, &ans); err != nil {
		return fmt.Errorf("send events to %s: answer is not JSON: %w", p.URL, err)
	}
	p.sent.Add(int64(ans.Accepted))
	if len(ans.Refused) > 0 {
		return fmt.Errorf("send events to %s: %d of %d refused, the first at line %d: %s", p.URL, len(ans.Refused), n, ans.Refused[0].Line, ans.Refused[0].Error)
	}
	return nil
}

// syslog writes one line to the syslog TCP listener, connecting on first use.
func (p *Player) syslog(ctx context.Context, line string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", p.SyslogTCP)
		if err != nil {
			return fmt.Errorf("connect to syslog %s: %w", p.SyslogTCP, err)
		}
		p.conn = c
	}
	if _, err := io.WriteString(p.conn, line+"\n"); err != nil {
		p.conn.Close()
		p.conn = nil
		return fmt.Errorf("write to syslog %s: %w", p.SyslogTCP, err)
	}
	p.syslogs.Add(1)
	return nil
}

// Close closes the syslog and MLLP connections, if any.
func (p *Player) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	for _, c := range []*net.Conn{&p.conn, &p.mllp} {
		if *c != nil {
			if cerr := (*c).Close(); err == nil {
				err = cerr
			}
			*c = nil
		}
	}
	p.acks = nil
	return err
}

// Merge interleaves event sequences, each in time order, into one in time
// order.
func Merge(seqs ...iter.Seq[Event]) iter.Seq[Event] {
	return func(yield func(Event) bool) {
		type head struct {
			next func() (Event, bool)
			stop func()
			ev   Event
			ok   bool
		}
		hs := make([]*head, len(seqs))
		for i, s := range seqs {
			next, stop := iter.Pull(s)
			defer stop()
			h := &head{next: next, stop: stop}
			h.ev, h.ok = next()
			hs[i] = h
		}
		for {
			var min *head
			for _, h := range hs {
				if h.ok && (min == nil || h.ev.Time.Before(min.ev.Time)) {
					min = h
				}
			}
			if min == nil {
				return
			}
			if !yield(min.ev) {
				return
			}
			min.ev, min.ok = min.next()
		}
	}
}
