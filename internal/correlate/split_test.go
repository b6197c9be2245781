package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/event"
	"github.com/vigilhealth/vigil/internal/sigma"
)

func named(c *sigma.Correlation, name string) *sigma.Correlation {
	c.Name, c.Title = name, name
	return c
}

func refs(cs []*sigma.Correlation) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return strings.Join(out, ",")
}

// describeGroups renders a plan's groups as "name,name[key,key](rule,rule)".
func describeGroups(p *Plan) string {
	var out []string
	for _, g := range p.Groups {
		var rs []string
		for _, r := range g.Rules() {
			rs = append(rs, r.Name)
		}
		out = append(out, refs(g.Correlations)+"["+strings.Join(g.KeyFields, ",")+"]("+strings.Join(rs, ",")+")")
	}
	return strings.Join(out, " ")
}

func TestSplit(t *testing.T) {
	rules := []*sigma.Rule{rule("fail", "id-fail"), rule("ok", "id-ok"), rule("write", "id-write")}
	byHost := named(countCorr([]string{"fail"}, 5, time.Minute, "Computer"), "by_host")
	byHostUser := named(countCorr([]string{"fail"}, 5, time.Minute, "computer", "TargetUserName"), "by_host_user")
	byUser := named(countCorr([]string{"fail"}, 20, 10*time.Minute, "TargetUserName"), "by_user")
	global := named(countCorr([]string{"write"}, 1000, time.Minute), "global")
	userThenOk := named(countCorr([]string{"ok"}, 1, time.Minute, "TargetUserName", "IpAddress"), "user_ip")
	// A chain: an inner per host and user, an outer per user alone.
	inner := named(countCorr([]string{"ok"}, 3, time.Minute, "Computer", "TargetUserName"), "inner")
	outer := named(countCorr([]string{"inner"}, 2, time.Hour, "TargetUserName"), "outer")
	// An alias that reads the host for one rule and the user for another.
	mixed := named(countCorr([]string{"fail", "ok"}, 2, time.Minute, "who"), "mixed")
	mixed.Aliases = map[string]map[string]string{"who": {"fail": "Computer", "ok": "TargetUserName"}}
	// An alias that reads the host for every rule.
	aliasedHost := named(countCorr([]string{"fail", "ok"}, 2, time.Minute, "machine"), "aliased_host")
	aliasedHost.Aliases = map[string]map[string]string{"machine": {"fail": "Computer", "ok": "Computer"}}
	// A correlation reading a missing rule is refused: it stays in the host pass.
	broken := named(countCorr([]string{"missing"}, 1, time.Minute), "broken")
	// Two correlations keying one rule from different fields.
	userA := named(countCorr([]string{"write"}, 2, time.Minute, "u"), "user_a")
	userA.Aliases = map[string]map[string]string{"u": {"write": "SubjectUserName"}}
	userB := named(countCorr([]string{"write"}, 2, time.Minute, "u"), "user_b")
	userB.Aliases = map[string]map[string]string{"u": {"write": "TargetUserName"}}

	cases := []struct {
		name   string
		corrs  []*sigma.Correlation
		host   string
		groups string
	}{
		{"by host stays", []*sigma.Correlation{byHost}, "by_host", ""},
		{"host and user stays, host compared without case", []*sigma.Correlation{byHostUser}, "by_host_user", ""},
		{"user alone is re-keyed", []*sigma.Correlation{byHost, byUser}, "by_host", "by_user[TargetUserName](fail)"},
		{"no group-by is re-keyed to one key", []*sigma.Correlation{global}, "", "global[](write)"},
		{"a shared rule joins re-keyed correlations", []*sigma.Correlation{byUser, mixed, userThenOk}, "",
			"by_user,mixed,user_ip[](fail,ok)"},
		{"a chain moves whole", []*sigma.Correlation{inner, outer}, "", "inner,outer[TargetUserName](ok)"},
		{"an alias reading the host for every rule stays", []*sigma.Correlation{aliasedHost}, "aliased_host", ""},
		{"a refused correlation stays", []*sigma.Correlation{broken, byUser}, "broken", "by_user[TargetUserName](fail)"},
		{"one rule keyed from two fields goes to one key", []*sigma.Correlation{userA, userB}, "", "user_a,user_b[](write)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Split(rules, c.corrs, "Computer")
			if got := refs(p.Host); got != c.host {
				t.Errorf("host pass %q, want %q", got, c.host)
			}
			if got := describeGroups(p); got != c.groups {
				t.Errorf("groups %q, want %q", got, c.groups)
			}
			if n := len(p.Host) + len(p.Rekeyed()); n != len(c.corrs) {
				t.Errorf("%d correlations classified, %d given", n, len(c.corrs))
			}
		})
	}
}

// TestKeyGroupKeys: an event's key is what the result of its group says,
// read through the rule's aliases; an event without a key field has none.
func TestKeyGroupKeys(t *testing.T) {
	fail, ok := rule("fail", "id-fail"), rule("ok", "id-ok")
	c := named(countCorr([]string{"fail", "ok"}, 2, time.Minute, "user", "Domain"), "spray")
	c.Aliases = map[string]map[string]string{"user": {"fail": "TargetUserName", "ok": "SubjectUserName"}}
	p := Split([]*sigma.Rule{fail, ok}, []*sigma.Correlation{c}, "Computer")
	if len(p.Groups) != 1 {
		t.Fatalf("%d groups, want 1", len(p.Groups))
	}
	g := p.Groups[0]
	ev := func(kv ...string) *event.Event {
		e := &event.Event{}
		for i := 0; i < len(kv); i += 2 {
			e.Set(kv[i], kv[i+1])
		}
		return e
	}
	want, _ := g.KeyOf(map[string]string{"user": "bob", "Domain": "NHS"})
	cases := []struct {
		name string
		rule *sigma.Rule
		ev   *event.Event
		key  string
		ok   bool
	}{
		{"target user", fail, ev("TargetUserName", "bob", "Domain", "NHS", "SubjectUserName", "x"), want, true},
		{"subject user through the alias", ok, ev("SubjectUserName", "bob", "Domain", "NHS"), want, true},
		{"missing key field", fail, ev("TargetUserName", "bob"), "", false},
		{"a rule of no group", rule("other", "id-other"), ev("TargetUserName", "bob", "Domain", "NHS"), "", false},
		{"another user", fail, ev("TargetUserName", "bo", "Domain", "bNHS"), "", true},
	}
	for _, tc := range cases {
		key, got := g.Key(tc.rule, tc.ev)
		if got != tc.ok || (tc.key != "" && key != tc.key) {
			t.Errorf("%s: Key = %q, %v; want %q, %v", tc.name, key, got, tc.key, tc.ok)
		}
		if tc.name == "another user" && key == want {
			t.Errorf("%s: values that concatenate alike share the key %q", tc.name, key)
		}
	}
	if _, ok := g.KeyOf(map[string]string{"user": "bob"}); ok {
		t.Error("KeyOf without Domain: ok, want false")
	}
	if got := g.Rules(); !slices.Equal(got, []*sigma.Rule{fail, ok}) {
		t.Errorf("Rules() = %v, want fail and ok", got)
	}
}

// TestSplitEnginesAgree: the host engine and the key engine built from a
// plan together give what one engine over every correlation gives.
func TestSplitEnginesAgree(t *testing.T) {
	fail := rule("fail", "id-fail")
	byHost := named(countCorr([]string{"fail"}, 3, time.Minute, "Computer"), "by_host")
	byUser := named(countCorr([]string{"fail"}, 3, time.Minute, "TargetUserName"), "by_user")
	all := mustNew(t, []*sigma.Rule{fail}, byHost, byUser)
	p := Split([]*sigma.Rule{fail}, []*sigma.Correlation{byHost, byUser}, "Computer")
	host := mustNew(t, []*sigma.Rule{fail}, p.Host...)
	key := mustNew(t, []*sigma.Rule{fail}, p.Rekeyed()...)
	count := map[string]int{}
	for i := range 9 {
		e := &event.Event{Time: t0.Add(time.Duration(i) * time.Second)}
		e.Set("Computer", "WS-"+string(rune('A'+i%3)))
		e.Set("TargetUserName", "bob")
		for _, r := range all.ObserveAll(e, []*sigma.Rule{fail}) {
			count["all "+r.Correlation.Name]++
		}
		for _, r := range host.ObserveAll(e, []*sigma.Rule{fail}) {
			count["split "+r.Correlation.Name]++
		}
		for _, r := range key.ObserveAll(e, []*sigma.Rule{fail}) {
			count["split "+r.Correlation.Name]++
		}
	}
	if count["all by_user"] != 3 || count["split by_user"] != 3 || count["all by_host"] != count["split by_host"] {
		t.Errorf("results %v: want by_user 3 both ways and by_host alike", count)
	}
}
