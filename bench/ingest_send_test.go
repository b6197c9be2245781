package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ingestLoad is one run's load: how many events go over each transport,
// by how many concurrent senders, in batches of batch events.
type ingestLoad struct {
	name              string
	httpEvents        int
	tcpEvents         int
	httpSenders, tcps int
	batch             int
}

func (l ingestLoad) total() int { return l.httpEvents + l.tcpEvents }

// payloads holds what the senders draw their bytes from.
type payloads struct {
	mix    *eventMix
	frames [][]byte
}

// httpBatches and tcpBatches split a transport's events into batches; the
// record numbers of HTTP events start after recordBase so that they never
// repeat a marker's.
func (l ingestLoad) httpBatches() int { return (l.httpEvents + l.batch - 1) / l.batch }
func (l ingestLoad) tcpBatches() int  { return (l.tcpEvents + l.batch - 1) / l.batch }

// batchLen is the size of batch i of n events.
func (l ingestLoad) batchLen(i, n int) int { return min(l.batch, n-i*l.batch) }

const recordBase = 1 << 32

// sendCounts is what the senders did.
type sendCounts struct {
	bytes    atomic.Int64 // payload bytes sent (NDJSON and syslog frames)
	retries  atomic.Int64 // HTTP batches sent again after 429 or 503
	accepted atomic.Int64 // events the HTTP answers accepted
	err      error
	errOnce  sync.Once
}

func (c *sendCounts) fail(err error) {
	c.errOnce.Do(func() { c.err = err })
}

// sendAll runs the HTTP senders and the TCP connections until every batch
// is sent, and returns when they are done. A sender stops at the first
// failure; the rest go on so that the service's counts stay explainable.
func sendAll(s *service, l ingestLoad, p *payloads, now time.Time) *sendCounts {
	var c sendCounts
	var wg sync.WaitGroup
	var nextHTTP, nextTCP atomic.Int64
	for range l.httpSenders {
		wg.Go(func() {
			var buf []byte
			for i := int(nextHTTP.Add(1) - 1); i < l.httpBatches(); i = int(nextHTTP.Add(1) - 1) {
				n := l.batchLen(i, l.httpEvents)
				buf = ndjsonBatch(buf[:0], p.mix, recordBase+uint64(i*l.batch), n, now)
				if err := s.postBatch(buf, n, &c); err != nil {
					c.fail(fmt.Errorf("HTTP batch %d: %w", i, err))
					return
				}
				c.bytes.Add(int64(len(buf)))
			}
		})
	}
	for range l.tcps {
		wg.Go(func() {
			conn, err := net.Dial("tcp", s.tcp)
			if err != nil {
				c.fail(fmt.Errorf("syslog TCP: %w", err))
				return
			}
			defer conn.Close()
			var buf []byte
			for i := int(nextTCP.Add(1) - 1); i < l.tcpBatches(); i = int(nextTCP.Add(1) - 1) {
				buf = syslogBatch(buf[:0], p.frames, uint64(i*l.batch), l.batchLen(i, l.tcpEvents))
				if _, err := conn.Write(buf); err != nil {
					c.fail(fmt.Errorf("syslog TCP batch %d: %w", i, err))
					return
				}
				c.bytes.Add(int64(len(buf)))
			}
		})
	}
	wg.Wait()
	return &c
}

// postBatch POSTs NDJSON, sending it again while the service answers 429
// or 503 (it stored none of it then). Every line must be accepted.
func (s *service) postBatch(body []byte, n int, c *sendCounts) error {
	for {
		code, accepted, retry, err := s.post(body)
		if err != nil {
			return err
		}
		switch code {
		case http.StatusOK:
			if accepted != n {
				return fmt.Errorf("accepted %d of %d events", accepted, n)
			}
			c.accepted.Add(int64(accepted))
			return nil
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			c.retries.Add(1)
			time.Sleep(retry)
		default:
			return fmt.Errorf("status %d", code)
		}
	}
}

// post sends one NDJSON body and returns the status, the events accepted
// and, for 429 and 503, how long to wait.
func (s *service) post(body []byte) (code, accepted int, retry time.Duration, err error) {
	req, _ := http.NewRequest("POST", s.Base+"/api/v1/events", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ingestToken)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := benchClient.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	retry = 100 * time.Millisecond
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		retry = time.Duration(secs) * time.Second
	}
	var got struct {
		Accepted int `json:"accepted"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			return 0, 0, 0, err
		}
	}
	return resp.StatusCode, got.Accepted, retry, nil
}

// sendMarkers POSTs one latency marker every interval until ctx ends, and
// returns the send time of each. Markers go alone over HTTP whatever the
// load, so that they queue behind the load like any event.
func sendMarkers(ctx context.Context, s *service, interval time.Duration, c *sendCounts) []time.Time {
	var sent []time.Time
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; ; i++ {
		at := time.Now()
		if err := s.postBatch(markerEvent(i, uint64(i+1), at), 1, c); err != nil {
			c.fail(fmt.Errorf("marker %d: %w", i, err))
			return sent
		}
		sent = append(sent, at)
		select {
		case <-ctx.Done():
			return sent
		case <-tick.C:
		}
	}
}
