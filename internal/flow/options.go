package flow

import (
	"math"
	"time"
)

// Options configures a Watch. Zero fields take the defaults given.
type Options struct {
	// Bucket is the counting interval (default one minute).
	Bucket time.Duration
	// MinHistory is how many weeks of buckets an hour-of-week slot needs
	// before it is trusted (default 1); until then a per-source global
	// baseline from recent buckets is used.
	MinHistory int
	// SilenceAfter is how many events' worth of silence, judged against
	// the lower bound of the expected count, makes a source silent
	// (default 5).
	SilenceAfter float64
	// SilenceFloor is the shortest silence reported (default 10 minutes).
	SilenceFloor time.Duration
	// Window is the span over which drops and surges are judged (default
	// 30 minutes).
	Window time.Duration
	// DropRatio: a count under this fraction of expected is a drop
	// (default 0.2).
	DropRatio float64
	// MinExpected is the smallest expected count over Window for which a
	// drop is reported (default 10), so quiet sources do not flap.
	MinExpected float64
	// SurgeRatio: a count over this multiple of expected is a surge
	// (default 5).
	SurgeRatio float64
	// SurgeMin is the smallest count over Window reported as a surge
	// (default 100).
	SurgeMin float64
	// Deviations is k in the bounds mean ± k·sd (default 3).
	Deviations float64
	// MaxKeys caps the sources kept (default 20,000); about 2 KB each.
	MaxKeys int
	// Location gives the hour of day and day of week (default time.Local).
	Location *time.Location
	// Name describes a source in messages (default: "<listener> feed").
	Name func(Key) string
	// Clock gives the time for Sources (default time.Now).
	Clock func() time.Time
}

// withDefaults returns o with zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.Bucket <= 0 {
		o.Bucket = time.Minute
	}
	if o.MinHistory <= 0 {
		o.MinHistory = 1
	}
	if o.SilenceAfter <= 0 {
		o.SilenceAfter = 5
	}
	if o.SilenceFloor <= 0 {
		o.SilenceFloor = 10 * time.Minute
	}
	if o.Window <= 0 {
		o.Window = 30 * time.Minute
	}
	if o.Window < o.Bucket {
		o.Window = o.Bucket
	}
	if o.DropRatio <= 0 {
		o.DropRatio = 0.2
	}
	if o.MinExpected <= 0 {
		o.MinExpected = 10
	}
	if o.SurgeRatio <= 0 {
		o.SurgeRatio = 5
	}
	if o.SurgeMin <= 0 {
		o.SurgeMin = 100
	}
	if o.Deviations <= 0 {
		o.Deviations = 3
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 20000
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Name == nil {
		o.Name = defaultName
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}

func defaultName(k Key) string { return k.Listener + " feed" }

// tuning holds the constants derived from Options once.
type tuning struct {
	windowBuckets int64   // buckets in Window
	slotAlpha     float64 // weight floor of a bucket in its slot
	globalAlpha   float64 // weight floor of a bucket in the global baseline
	slotMinN      uint32  // buckets a slot needs before it is trusted
	warmN         uint64  // buckets the global baseline needs
	maxGap        int64   // zero buckets folded at most after a gap (one week)
}

func newTuning(o Options) tuning {
	perHour := float64(time.Hour) / float64(o.Bucket)
	perDay := 24 * perHour
	wb := int64((o.Window + o.Bucket - 1) / o.Bucket)
	// One week's perHour buckets of a slot together weigh 20%.
	slotAlpha := 1 - math.Pow(0.8, 1/perHour)
	minN := math.Ceil(perHour * float64(o.MinHistory))
	return tuning{
		windowBuckets: wb,
		slotAlpha:     slotAlpha,
		globalAlpha:   2 / (perDay + 1),
		slotMinN:      uint32(math.Min(minN, math.MaxUint32)),
		warmN:         uint64(2 * wb),
		maxGap:        int64(math.Ceil(7 * perDay)),
	}
}
