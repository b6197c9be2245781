package hunt

import (
	"github.com/vigilhealth/vigil/internal/correlate"
)

func (r *run) emitCorrelation(res correlate.Result, out func(*Detection) error) error {
	c := res.Correlation
	if res.Suppressed || levelOf(c.Level) < r.opts.MinLevel { // suppressed: it only feeds another correlation
		return nil
	}
	info := &CorrelationInfo{
		Type:       string(c.Type),
		GroupBy:    res.GroupBy,
		Value:      res.Value,
		First:      res.First.UTC(),
		Last:       res.Last.UTC(),
		EventCount: res.EventCount,
		Events:     make([]EventRef, len(res.Events)),
	}
	for i, e := range res.Events {
		info.Events[i] = EventRef{RuleID: e.RuleID, Source: e.Source, Record: e.Record, Time: e.Time.UTC()}
	}
	d := &Detection{
		RuleID:      c.ID,
		RuleTitle:   c.Title,
		Level:       c.Level,
		Tags:        c.Tags,
		Timestamp:   res.Time.UTC(),
		Correlation: info,
	}
	if len(res.Events) > 0 {
		d.Source, d.Record = res.Events[0].Source, res.Events[0].Record
	}
	if h, ok := res.GroupBy["Computer"]; ok {
		d.Computer = h
	}
	return r.emit(d, out)
}
