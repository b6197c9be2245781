package report

import (
	"context"
	"errors"
	"time"

	"github.com/vigilhealth/vigil/internal/estate"
	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/eventstore"
)

// estateQuery finds the events that state a host's Windows build: System
// event 6009 at each start and Kernel-General event 12.
const estateQuery = "EventID:6009 OR EventID:12"

func gatherEstate(ctx context.Context, f *Facts, src *Sources, o Options) {
	checker := loadFeeds(f, src)
	var imported []estate.Asset
	if o.Assets != "" {
		var err error
		if imported, err = estate.LoadAssetsCSV(o.Assets); err != nil {
			f.missing(secEstate, "The asset register could not be read: "+err.Error())
		}
	} else {
		f.missing(secEstate, "No asset register given (--assets): only hosts whose events state their Windows version are listed, and medical devices and network equipment are not.")
	}
	learned := learnAssets(ctx, f, src.Events)
	if src.Estate != nil {
		if live, ok, err := src.Estate.Learned(ctx); err != nil {
			f.missing(secEstate, "The assets vigil serve learned could not be read: "+err.Error())
		} else if ok {
			learned = estate.Merge(learned, live)
		}
	}
	f.Findings = checker.CheckAll(estate.Merge(imported, learned), f.asOf())
	if o.Register == "" {
		gatherSavedRegister(ctx, f, src.Estate)
	} else {
		reg, err := estate.LoadRegister(o.Register)
		if err != nil {
			f.missing(secEstate, "The risk register could not be read: "+err.Error())
		} else {
			f.Register = reg
		}
	}
}

// loadFeeds gives the feeds src holds loaded, or loads those stored in its
// data folder.
func loadFeeds(f *Facts, src *Sources) *estate.Checker {
	if c := src.Feeds; c != nil && (c.KEV != nil || c.Lifecycles != nil) {
		if c.KEV != nil {
			f.KEVName, f.KEVDate = kevName(c.KEV), c.KEV.Released
		}
		return c
	}
	checker := &estate.Checker{}
	kevPath, eolPath, err := estate.FeedPaths(src.Data)
	if src.Data == "" || err != nil {
		f.missing(secEstate, "No end-of-life data or KEV catalogue in the data folder (run vigil estate update --kev FILE --eol DIR): support dates and known-exploited vulnerabilities are not known.")
		return checker
	}
	if checker.Lifecycles, err = estate.LoadLifecycles(eolPath); err != nil {
		f.missing(secEstate, "The stored end-of-life data could not be read: "+err.Error())
	}
	if checker.KEV, err = estate.LoadKEV(kevPath); err != nil {
		f.missing(secEstate, "The stored KEV catalogue could not be read: "+err.Error())
	} else {
		f.KEVName, f.KEVDate = kevName(checker.KEV), checker.KEV.Released
	}
	return checker
}

func kevName(k *estate.Catalog) string { return "CISA KEV catalogue " + k.Version }

// noRegister is the note for a deployment without a risk register.
const noRegister = "No risk register (vigil estate register add, or --register FILE): no unsupported system has a recorded reason, mitigation, owner or board approval."

// gatherSavedRegister reads the register vigil estate register keeps (in
// the data folder, or the shared database).
func gatherSavedRegister(ctx context.Context, f *Facts, st EstateReader) {
	if st == nil {
		f.missing(secEstate, noRegister)
		return
	}
	reg, err := st.Register(ctx)
	switch {
	case err != nil:
		f.missing(secEstate, "The risk register could not be read: "+err.Error())
	case reg == nil || len(reg.Entries) == 0:
		f.missing(secEstate, noRegister)
	default:
		f.Register = reg
	}
}

// learnAssets learns hosts and their Windows builds from the stored events
// that state them.
func learnAssets(ctx context.Context, f *Facts, st EventReader) []estate.Asset {
	if st == nil {
		return nil
	}
	res, err := st.Search(ctx, eventstore.Query{Text: estateQuery, Until: f.asOf().Add(time.Second), Limit: eventstore.MaxLimit})
	if errors.As(err, new(openError)) {
		return nil // noted with the events
	}
	if err != nil {
		f.missing(secEstate, "The events could not be searched for hosts' versions: "+err.Error())
		return nil
	}
	if res.Truncated {
		f.missing(secEstate, "Only the newest events stating hosts' versions were read; hosts seen only earlier may be missing.")
	}
	inv := estate.NewInventory(0)
	var ev event.Event
	for i := len(res.Events) - 1; i >= 0; i-- { // oldest first, as they arrived
		hitEvent(&ev, res.Events[i])
		inv.Observe(&ev)
	}
	return inv.Assets()
}

// hitEvent fills ev with a stored event's fields, repeated names in order.
func hitEvent(ev *event.Event, h eventstore.Hit) {
	*ev = event.Event{Time: h.Time, Source: h.Source, Host: h.Host,
		LogSource: event.LogSource{Product: h.LogSource.Product, Category: h.LogSource.Category, Service: h.LogSource.Service}}
	for _, p := range h.Fields {
		ev.Add(event.Intern(p.Name), p.Value)
	}
}
