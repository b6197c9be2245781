// Package flow watches that data keeps flowing. Care depends on feeds
// arriving (a pathology results feed that stops means delayed treatment),
// so Vigil learns each source's normal rate by hour of day and day of week
// and reports when a source goes silent, drops far below normal, or surges.
//
// # Model
//
// A source is a Key: the listener, the sending host and, for clinical
// feeds, the HL7 message type. Arrivals are counted in buckets of
// Options.Bucket (one minute by default). Each completed bucket's count is
// folded into one of 168 hour-of-week slots (in Options.Location) as an
// exponentially weighted mean and variance. The weight of a new bucket is
// 1/n while a slot has seen fewer buckets than that would give (so the
// first week is a plain average), and afterwards a constant chosen so that
// one week's buckets of a slot together carry 20% of its weight: last
// week counts 20%, the week before 16%, and so on (an effective memory of
// about five weeks). Until a slot holds Options.MinHistory weeks of
// buckets, a per-source global baseline stands in for it: the same
// weighting over all buckets, with a span of about one day.
//
// The expected count over a window is the sum of the per-bucket means of
// the slots it covers (pro rata for partial buckets), and its variance the
// sum of their variances. Judgements use the bounds mean ± k·sd
// (Options.Deviations, floor 0):
//
//   - silent: nothing since the last event for at least
//     Options.SilenceFloor, and even the lower bound of the expected count
//     over that gap reaches Options.SilenceAfter events;
//   - drop: over the last Options.Window the count is below
//     Options.DropRatio of expected and below the lower bound, where
//     expected is at least Options.MinExpected;
//   - surge: the count is above Options.SurgeRatio times expected, above
//     the upper bound and at least Options.SurgeMin.
//
// The minimum counts keep quiet sources (a few events a day) from
// flapping. A bucket is learned only once it has left the judged window,
// so an anomaly is never part of its own baseline. Each condition is reported once when it starts and a
// "recovered" once when it ends; drop and surge end with hysteresis (a
// drop ends at twice the drop ratio, a surge at half the surge ratio), a
// silence ends with the next event. Buckets that leave the window while a
// source is in any abnormal state are not learned by trusted slots, so an
// outage does not teach the model that outages are normal.
//
// Memory is bounded: at most Options.MaxKeys sources are kept, the ones
// seen longest ago evicted first (Watch.Evicted counts them). A Watch is
// safe for concurrent use; its learned profile survives a restart through
// MarshalBinary and UnmarshalBinary.
package flow
