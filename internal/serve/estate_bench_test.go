package serve

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/vigilhealth/vigil/internal/detect"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
	"github.com/vigilhealth/vigil/rules"
)

// benchRecords encodes n events as the log holds them: logons and Sysmon
// process creations from 50 hosts.
func benchRecords(n int) [][]byte {
	out := make([][]byte, n)
	var ev event.Event
	for i := range out {
		ev.Reset()
		ev.Host = fmt.Sprintf("WS%03d.trust.example", i%50)
		ev.Set("Channel", "Security")
		if i%2 == 0 {
			ev.Set("EventID", "4624")
			ev.Set("TargetUserName", fmt.Sprintf("user%d", i%300))
			ev.Set("IpAddress", fmt.Sprintf("10.0.%d.%d", i%7, i%250))
			ev.Set("LogonType", "3")
		} else {
			ev.Set("Channel", "Microsoft-Windows-Sysmon/Operational")
			ev.Set("EventID", "1")
			ev.Set("Image", `C:\Windows\System32\svchost.exe`)
			ev.Set("CommandLine", `C:\Windows\system32\svchost.exe -k netsvcs -p`)
			ev.Set("Company", "Microsoft Corporation")
			ev.Set("Product", "Microsoft® Windows® Operating System")
			ev.Set("FileVersion", "10.0.19041.3636 (WinBuild.160101.0800)")
		}
		out[i] = ev.AppendBinary(nil)
	}
	return out
}

// BenchmarkDetectWithEstate measures the detector's per-record work
// (decode and match against Vigil's rule pack, on every core) without and
// with the estate side channel offering each record to the inventory,
// whose consumer runs meanwhile. The ratio of the two is the cost of
// learning assets to detection. estate=borrowed offers as a detect node
// does, copying each record it queues (the bus owns the messages' bytes).
func BenchmarkDetectWithEstate(b *testing.B) {
	set, err := rules.Load(nil, sigma.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m := detect.NewMatcher(set.Rules)
	recs := benchRecords(4096)
	for _, mode := range []string{"false", "true", "borrowed"} {
		withEstate := mode != "false"
		b.Run("estate="+mode, func(b *testing.B) {
			w := newEstateWatch()
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			if withEstate {
				wg.Add(1)
				go func() {
					defer wg.Done()
					w.run(ctx, func() error { return nil })
				}()
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				scratch := m.NewScratch()
				o := &estateOfferer{w: w, borrowed: mode == "borrowed"} // one per goroutine, as the detector has one
				var ev event.Event
				var dst []*sigma.Rule
				i := 0
				for pb.Next() {
					rec := recs[i%len(recs)]
					i++
					if ev.UnmarshalBinary(rec) != nil {
						b.Error("decode")
						return
					}
					dst = m.Match(&ev, scratch, dst[:0])
					if withEstate {
						o.offer(&ev, rec)
					}
				}
			})
			b.StopTimer()
			cancel()
			wg.Wait()
			if withEstate {
				b.ReportMetric(float64(w.dropped.Load())/float64(b.N), "dropped/op")
			}
		})
	}
}
