package targetstore

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeFile reads arbitrary bytes as targets.json: it never panics,
// and whatever it accepts passes Check and encodes back to what it reads
// again the same.
func FuzzDecodeFile(f *testing.F) {
	f.Add([]byte(`{"generation":0,"targets":[]}`))
	f.Add([]byte(`{"generation":3,"targets":[{"id":"nt-Qk3v9w0ZpL1sYbXe","name":"SOC","kind":"teams","url":"https://x.webhook.office.com/webhookb2/a","min_level":"high","created_at":"2026-03-14T09:26:53Z","created_by":"admin"}]}`))
	f.Add([]byte(`{"generation":1,"targets":[{"id":"nt-a","name":"SIEM","kind":"syslog","network":"tcp","addr":"[::1]:514","min_level":"critical"}]}`))
	f.Add([]byte(`{"generation":1,"targets":[{"id":"nt-b","name":"h","kind":"webhook","url":"http://127.0.0.1:9/h","headers_env":{"Authorization":"VIGIL_AUTH"},"min_level":"low"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := decodeFile(b)
		if err != nil {
			return
		}
		for i, tg := range doc.Targets {
			if err := Check(tg); err != nil {
				t.Fatalf("accepted target %d fails Check: %v", i, err)
			}
		}
		out, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeFile(out)
		if err != nil || len(again.Targets) != len(doc.Targets) || again.Generation != doc.Generation {
			t.Fatalf("re-read of %s: %v", out, err)
		}
	})
}
