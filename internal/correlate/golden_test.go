package correlate

import (
	"testing"
	"time"

	"github.com/vigilhealth/vigil/internal/sigma"
)

// The specification's correlation examples, as structs (the sigma loader
// is tested on the YAML itself in spec_test.go).
var (
	specFailedLogin  = &sigma.Rule{Meta: sigma.Meta{ID: "53ba33fd-3a50-4468-a5ef-c583635cfa92", Name: "failed_login", Title: "Single failed login"}}
	specSuccessLogin = &sigma.Rule{Meta: sigma.Meta{ID: "4d0a2c83-c62c-4ed4-b475-c7e23a9269b8", Name: "successful_login", Title: "Successful login"}}
)

func specBruteForce() []*sigma.Correlation {
	return []*sigma.Correlation{
		{
			Meta:    sigma.Meta{ID: "b180ead8-d58f-40b2-ae54-c8940995b9b6", Title: "Correlation - Multiple Failed Logins Followed by Successful Login", Level: "high"},
			Type:    sigma.TemporalOrdered,
			Rules:   []string{"multiple_failed_login", "successful_login"},
			GroupBy: []string{"User"}, Timespan: 10 * time.Minute,
		},
		{
			Meta:    sigma.Meta{ID: "a8418a5a-5fc4-46b5-b23b-6c73beb19d41", Name: "multiple_failed_login", Title: "Multiple failed logons"},
			Type:    sigma.EventCount,
			Rules:   []string{"failed_login"},
			GroupBy: []string{"User"}, Timespan: 10 * time.Minute,
			Condition: sigma.Range{GTE: num(10)},
		},
	}
}

var scenarios = map[string]scenario{
	// event_count, the specification's example: 100 failed logins to one
	// host in an hour. A burst gives one result per 100 events.
	"spec_event_count": {
		rules: []*sigma.Rule{rule("failed", "5638f7c0-ac70-491d-8465-2a65075e0d86")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{ID: "0e95725d-7320-415d-80f7-004da920fc11", Title: "Many failed logins"},
			Type: sigma.EventCount, Rules: []string{"5638f7c0-ac70-491d-8465-2a65075e0d86"},
			GroupBy: []string{"ComputerName"}, Timespan: time.Hour, Condition: sigma.Range{GTE: num(100)},
		}},
		steps: lines(
			repeat(99, 0, 30*time.Second, "failed ComputerName=dc2"),
			repeat(230, 2*time.Hour, 10*time.Second, "failed ComputerName=dc1"),
		),
	},
	// value_count, the specification's example: failed logons with 100
	// distinct users per source and destination in a day.
	"spec_value_count": {
		rules: []*sigma.Rule{rule("failed", "5638f7c0-ac70-491d-8465-2a65075e0d86")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{ID: "0e95725d-7320-415d-80f7-004da920fc12", Title: "Failed login"},
			Type: sigma.ValueCount, Rules: []string{"5638f7c0-ac70-491d-8465-2a65075e0d86"},
			GroupBy: []string{"ComputerName", "WorkstationName"}, Timespan: 24 * time.Hour,
			Field: "User", Condition: sigma.Range{GTE: num(100)},
		}},
		steps: lines(
			repeat(50, 0, time.Minute, "failed ComputerName=dc1 WorkstationName=ws7 User=same"),
			"1h failed ComputerName=dc1 WorkstationName=ws7",
			repeat(99, 2*time.Hour, time.Minute, "failed ComputerName=dc1 WorkstationName=ws7 User=user%d"),
			"5h failed ComputerName=dc1 WorkstationName=ws7 User=user1",
			"5h1m failed ComputerName=dc1 WorkstationName=ws7 User=another",
			repeat(99, 6*time.Hour, time.Minute, "failed ComputerName=dc1 WorkstationName=ws8 User=user%d"),
		),
	},
	// temporal, the specification's example: three recon commands in any
	// order within 5 minutes by one user on one system.
	"spec_temporal": {
		rules: []*sigma.Rule{rule("recon_cmd_a", "a"), rule("recon_cmd_b", "b"), rule("recon_cmd_c", "c")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Recon"},
			Type: sigma.Temporal, Rules: []string{"recon_cmd_a", "recon_cmd_b", "recon_cmd_c"},
			GroupBy: []string{"ComputerName", "User"}, Timespan: 5 * time.Minute,
		}},
		steps: []string{
			"0s recon_cmd_a ComputerName=pc1 User=alice",
			"1m recon_cmd_b ComputerName=pc1 User=alice",
			"2m recon_cmd_c ComputerName=pc1 User=bob",
			"6m recon_cmd_c ComputerName=pc1 User=alice",
			"7m recon_cmd_a ComputerName=pc1 User=alice",
			"8m recon_cmd_b ComputerName=pc1 User=alice",
			"9m recon_cmd_b ComputerName=pc1 User=alice",
			"20m recon_cmd_a,recon_cmd_b,recon_cmd_c ComputerName=pc2 User=carol",
		},
	},
	// temporal_ordered, the specification's recon example in order.
	"spec_temporal_ordered": {
		rules: []*sigma.Rule{rule("recon_cmd_a", "a"), rule("recon_cmd_b", "b"), rule("recon_cmd_c", "c")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Recon ordered"},
			Type: sigma.TemporalOrdered, Rules: []string{"recon_cmd_a", "recon_cmd_b", "recon_cmd_c"},
			GroupBy: []string{"ComputerName", "User"}, Timespan: 5 * time.Minute,
		}},
		steps: []string{
			"0s recon_cmd_b ComputerName=pc1 User=alice",
			"10s recon_cmd_c ComputerName=pc1 User=alice",
			"20s recon_cmd_a ComputerName=pc1 User=alice",
			"30s recon_cmd_c ComputerName=pc1 User=alice",
			"40s recon_cmd_b ComputerName=pc1 User=alice",
			"50s recon_cmd_c ComputerName=pc1 User=alice",
			"1m recon_cmd_a ComputerName=pc1 User=bob",
			"2m recon_cmd_b ComputerName=pc1 User=bob",
			"7m recon_cmd_c ComputerName=pc1 User=bob",
			"8m recon_cmd_a,recon_cmd_b,recon_cmd_c ComputerName=pc1 User=carol",
			"9m recon_cmd_c ComputerName=pc1 User=carol",
		},
	},
	// value_sum, the specification's example: more than 1 MB sent by one
	// user from one address in an hour; "-" is not a number.
	"spec_value_sum": {
		rules: []*sigma.Rule{rule("website_access", "w")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Possible Exfiltration to Website"},
			Type: sigma.ValueSum, Rules: []string{"website_access"},
			GroupBy: []string{"SourceIP", "User"}, Timespan: time.Hour,
			Field: "bytes_sent", Condition: sigma.Range{GT: num(1000000)},
		}},
		steps: []string{
			"0s website_access SourceIP=10.0.0.5 User=alice bytes_sent=600000",
			"10m website_access SourceIP=10.0.0.5 User=alice bytes_sent=-",
			"20m website_access SourceIP=10.0.0.5 User=alice bytes_sent=400000",
			"30m website_access SourceIP=10.0.0.6 User=alice bytes_sent=900000",
			"61m website_access SourceIP=10.0.0.5 User=alice bytes_sent=500000",
			"70m website_access SourceIP=10.0.0.5 User=alice bytes_sent=0x10",
			"75m website_access SourceIP=10.0.0.5 User=alice bytes_sent=1e5",
		},
	},
	// value_avg, the specification's example: mean BytesOut over 500 in a
	// day, decided when the day is over.
	"spec_value_avg": {
		rules: []*sigma.Rule{rule("rule_a", "rule_a_id")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Suspicious average network traffic"},
			Type: sigma.ValueAvg, Rules: []string{"rule_a_id"},
			GroupBy: []string{"SourceIP", "User"}, Timespan: 24 * time.Hour,
			Field: "BytesOut", Condition: sigma.Range{GT: num(500)},
		}},
		steps: []string{
			"0s rule_a SourceIP=10.0.0.5 User=alice BytesOut=10000",
			"1h rule_a SourceIP=10.0.0.5 User=alice BytesOut=100",
			"2h rule_a SourceIP=10.0.0.5 User=alice BytesOut=n/a",
			"3h rule_a SourceIP=10.0.0.5 User=bob BytesOut=400",
			"4h rule_a SourceIP=10.0.0.5 User=bob BytesOut=599",
			"24h rule_a SourceIP=10.0.0.5 User=alice BytesOut=1",
			"24h1s advance",
			"27h1s advance",
		},
	},
	// value_percentile: the specification's example reads Image, which is
	// not a number, so it never holds; a numeric field shows the median.
	"spec_value_percentile": {
		rules: []*sigma.Rule{rule("process_creation", "p")},
		corrs: []*sigma.Correlation{
			{
				Meta: sigma.Meta{Title: "A computer spawned a processes name in the last 24h than 1% of all the processes."},
				Type: sigma.ValuePercentile, Rules: []string{"process_creation"},
				GroupBy: []string{"ComputerName"}, Timespan: 24 * time.Hour,
				Field: "Image", Condition: sigma.Range{LTE: num(1)},
			},
			{
				Meta: sigma.Meta{Title: "Median process lifetime over a minute"},
				Type: sigma.ValuePercentile, Rules: []string{"process_creation"},
				GroupBy: []string{"ComputerName"}, Timespan: 24 * time.Hour,
				Field: "LifetimeMs", Condition: sigma.Range{GT: num(60000)},
			},
		},
		steps: []string{
			`0s process_creation ComputerName=pc1 Image=C:\Windows\cmd.exe LifetimeMs=1000`,
			`1h process_creation ComputerName=pc1 Image=C:\Windows\rare.exe LifetimeMs=90000`,
			`2h process_creation ComputerName=pc1 Image=C:\Windows\cmd.exe LifetimeMs=120000`,
			`3h process_creation ComputerName=pc1 Image=C:\Windows\cmd.exe LifetimeMs=70000`,
			`4h process_creation ComputerName=pc2 Image=C:\Windows\cmd.exe LifetimeMs=500`,
			`5h process_creation ComputerName=pc2 Image=C:\Windows\cmd.exe LifetimeMs=90000`,
		},
	},
	// The specification's "Failed Logins Followed by Successful Login":
	// an event_count chained into a temporal_ordered.
	"spec_failed_then_success": {
		rules: []*sigma.Rule{specFailedLogin, specSuccessLogin},
		corrs: specBruteForce(),
		steps: lines(
			"0s successful_login User=bob",
			repeat(12, 10*time.Second, 20*time.Second, "failed_login User=alice"),
			"5m successful_login User=alice",
			repeat(10, 20*time.Minute, 10*time.Second, "failed_login User=bob"),
			"35m successful_login User=bob",
			repeat(9, 40*time.Minute, 10*time.Second, "failed_login User=carol"),
			"45m successful_login User=carol",
		),
	},
	// Aliases, the specification's example: an internal error and a new
	// connection between the same two addresses, each seen from its side.
	"spec_aliases": {
		rules: []*sigma.Rule{rule("internal_error", "e"), rule("new_network_connection", "n")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Error then connection"},
			Type: sigma.Temporal, Rules: []string{"internal_error", "new_network_connection"},
			GroupBy: []string{"internal_ip", "remote_ip"}, Timespan: 10 * time.Second,
			Aliases: map[string]map[string]string{
				"internal_ip": {"internal_error": "destination.ip", "new_network_connection": "source.ip"},
				"remote_ip":   {"internal_error": "source.ip", "new_network_connection": "destination.ip"},
			},
		}},
		steps: []string{
			"0s internal_error source.ip=203.0.113.9 destination.ip=10.0.0.2",
			"3s new_network_connection source.ip=203.0.113.9 destination.ip=10.0.0.2",
			"5s new_network_connection source.ip=10.0.0.2 destination.ip=203.0.113.9",
			"30s internal_error source.ip=203.0.113.9 destination.ip=10.0.0.2",
			"41s new_network_connection source.ip=10.0.0.2 destination.ip=203.0.113.9",
		},
	},
	// Chaining: a value_count over the results of an event_count, and a
	// correlation grouping by a field its inner correlation lacks.
	"chain": {
		rules: []*sigma.Rule{rule("denied", "d")},
		corrs: []*sigma.Correlation{
			{
				Meta: sigma.Meta{Name: "user_denied", Title: "Repeated denial"},
				Type: sigma.EventCount, Rules: []string{"denied"},
				GroupBy: []string{"User", "Computer"}, Timespan: 10 * time.Minute, Condition: sigma.Range{GTE: num(2)},
			},
			{
				Meta: sigma.Meta{Title: "Denials for many users on one computer"},
				Type: sigma.ValueCount, Rules: []string{"user_denied"},
				GroupBy: []string{"Computer"}, Timespan: time.Hour, Field: "User", Condition: sigma.Range{GTE: num(3)},
			},
			{
				Meta: sigma.Meta{Title: "Needs a field the inner results lack"},
				Type: sigma.EventCount, Rules: []string{"user_denied"},
				GroupBy: []string{"SourceIP"}, Timespan: time.Hour, Condition: sigma.Range{GTE: num(1)},
			},
		},
		steps: []string{
			"0s denied User=alice Computer=ehr1",
			"1m denied User=alice Computer=ehr1",
			"2m denied User=bob Computer=ehr1",
			"3m denied User=bob Computer=ehr2",
			"4m denied User=bob Computer=ehr1",
			"5m denied User=alice Computer=ehr1",
			"6m denied User=alice Computer=ehr1",
			"7m denied User=carol Computer=ehr1",
			"8m denied User=carol Computer=ehr1",
		},
	},
	// A chain whose inner correlation is decided when its window closes:
	// its results reach the outer correlation at the window's end.
	"chain_closing": {
		rules: []*sigma.Rule{rule("login", "l"), rule("admin_action", "adm")},
		corrs: []*sigma.Correlation{
			{
				Meta: sigma.Meta{Name: "rare_login", Title: "A single login in ten minutes"},
				Type: sigma.EventCount, Rules: []string{"login"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{LT: num(2)},
			},
			{
				Meta: sigma.Meta{Title: "Admin action after a rare login"},
				Type: sigma.TemporalOrdered, Rules: []string{"rare_login", "admin_action"},
				GroupBy: []string{"User"}, Timespan: 30 * time.Minute,
			},
		},
		steps: []string{
			"0s login User=alice",
			"1m login User=bob",
			"2m login User=bob",
			"5m admin_action User=alice",
			"15m admin_action User=bob",
			"20m admin_action User=alice",
			"30m advance",
			"45m admin_action User=alice",
		},
	},
	// In one sweep an inner result, timed at the end of its window (18m),
	// reaches an outer window that ended at 15m and is not swept yet: that
	// window closes first, and the result opens a new one.
	"chain_sweep": {
		rules: []*sigma.Rule{rule("x", "x")},
		corrs: []*sigma.Correlation{
			{
				Meta: sigma.Meta{Name: "quiet", Title: "Quiet user"}, Type: sigma.EventCount, Rules: []string{"x"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{LT: num(2)},
			},
			{
				Meta: sigma.Meta{Title: "Few quiet users"}, Type: sigma.EventCount, Rules: []string{"quiet"},
				Timespan: 5 * time.Minute, Condition: sigma.Range{LT: num(5)},
			},
		},
		steps: []string{
			"0s x User=u1",
			"8m x User=u2",
			"11m advance",
			"19m advance",
		},
	},
	// generate: a rule stays reported when any correlation using it sets
	// generate, and an inner correlation's results when its outer one does.
	"generate": {
		rules: []*sigma.Rule{rule("shared", "s"), rule("only_hidden", "h"), rule("unused", "u"), rule("inner_rule", "i")},
		corrs: []*sigma.Correlation{
			{
				Meta: sigma.Meta{Title: "Hides its rules"},
				Type: sigma.EventCount, Rules: []string{"shared", "only_hidden"},
				GroupBy: []string{"User"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(2)},
			},
			{
				Meta: sigma.Meta{Title: "Generates its rules"},
				Type: sigma.EventCount, Rules: []string{"shared"}, Generate: true,
				GroupBy: []string{"User"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(3)},
			},
			{
				Meta: sigma.Meta{Name: "inner", Title: "Inner"},
				Type: sigma.EventCount, Rules: []string{"inner_rule"},
				GroupBy: []string{"User"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(1)},
			},
			{
				Meta: sigma.Meta{Title: "Outer generating"},
				Type: sigma.EventCount, Rules: []string{"inner"}, Generate: true,
				GroupBy: []string{"User"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(2)},
			},
		},
		steps: []string{
			"0s shared User=alice",
			"1s only_hidden User=alice",
			"2s shared,only_hidden User=bob",
			"3s shared User=bob",
			"4s shared User=bob",
			"5s inner_rule User=carol",
			"6s inner_rule User=carol",
		},
	},
	// Ranges and upper bounds, decided when a window closes (Advance, a
	// later event, or Flush).
	"ranges": {
		rules: []*sigma.Rule{rule("login", "l")},
		corrs: []*sigma.Correlation{
			{
				Meta: sigma.Meta{Title: "Between 3 and 4"}, Type: sigma.EventCount, Rules: []string{"login"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{GT: num(2), LTE: num(4)},
			},
			{
				Meta: sigma.Meta{Title: "Exactly 2"}, Type: sigma.EventCount, Rules: []string{"login"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{EQ: num(2)},
			},
			{
				Meta: sigma.Meta{Title: "Not 1"}, Type: sigma.EventCount, Rules: []string{"login"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{NEQ: num(1)},
			},
			{
				Meta: sigma.Meta{Title: "Fewer than 2"}, Type: sigma.EventCount, Rules: []string{"login"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{LT: num(2)},
			},
			{
				Meta: sigma.Meta{Title: "More than 4"}, Type: sigma.EventCount, Rules: []string{"login"},
				GroupBy: []string{"User"}, Timespan: 10 * time.Minute, Condition: sigma.Range{GT: num(4)},
			},
		},
		steps: lines(
			"0s login User=one",
			repeat(2, time.Second, time.Second, "login User=two"),
			repeat(3, 3*time.Second, time.Second, "login User=three"),
			repeat(5, 6*time.Second, time.Second, "login User=five"),
			"10m advance",
			"10m1s advance",
			"10m4s advance",
			"15m login User=one",
			"16m login User=one",
			"17m login User=two",
		),
	},
	// Two group-by fields are ANDed; an event lacking one is left out.
	"multi_group_by": {
		rules: []*sigma.Rule{rule("access", "a")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Same user, same computer"}, Type: sigma.EventCount, Rules: []string{"access"},
			GroupBy: []string{"User", "Computer"}, Timespan: time.Hour, Condition: sigma.Range{GTE: num(2)},
		}},
		steps: []string{
			"0s access User=alice Computer=pc1",
			"1m access User=alice Computer=pc2",
			"2m access User=bob Computer=pc1",
			"3m access User=alice",
			"4m access User=alice Computer=pc2",
			"5m access User=bob Computer=pc1 Computer=pc2",
		},
	},
	// The window is inclusive at both ends and slides: an event older than
	// the timespan leaves it; a late event takes the window's latest time.
	"window_edges": {
		rules: []*sigma.Rule{rule("x", "x")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Three in ten minutes"}, Type: sigma.EventCount, Rules: []string{"x"},
			GroupBy: []string{"Host"}, Timespan: 10 * time.Minute, Condition: sigma.Range{GTE: num(3)},
		}},
		steps: []string{
			"0s x Host=a",
			"6m x Host=a",
			"12m x Host=a",
			"13m x Host=a",
			"20m x Host=b",
			"25m x Host=b",
			"30m x Host=b",
			"40m x Host=c",
			"50m x Host=c",
			"45m x Host=c",
		},
	},
	// value_count over two fields ANDed: distinct user and domain pairs. The
	// rule is referenced by its id in capitals (ids compare without case).
	"value_count_fields": {
		rules: []*sigma.Rule{rule("login", "id-login")},
		corrs: []*sigma.Correlation{{
			Meta: sigma.Meta{Title: "Many accounts from one workstation"}, Type: sigma.ValueCount, Rules: []string{"ID-LOGIN"},
			GroupBy: []string{"Workstation"}, Timespan: time.Hour,
			Field: "TargetUserName", Fields: []string{"TargetUserName", "TargetDomainName"}, Condition: sigma.Range{GTE: num(3)},
		}},
		steps: []string{
			"0s login Workstation=ws1 TargetUserName=alice TargetDomainName=CORP",
			"1m login Workstation=ws1 TargetUserName=alice TargetDomainName=LAB",
			"2m login Workstation=ws1 TargetUserName=alice TargetDomainName=CORP",
			"3m login Workstation=ws1 TargetUserName=bob",
			"4m login Workstation=ws1 TargetUserName=bob TargetDomainName=CORP",
		},
	},
	// Correlations New refuses, and the one it keeps.
	"refused": {
		rules: []*sigma.Rule{rule("a", "id-a"), rule("dup", "id-d"), rule("dup", "id-e")},
		corrs: []*sigma.Correlation{
			{Meta: sigma.Meta{Title: "Unknown", Path: "rules/x.yml", Line: 3}, Type: sigma.EventCount, Rules: []string{"a", "nope"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(1)}},
			{Meta: sigma.Meta{Title: "Ambiguous"}, Type: sigma.EventCount, Rules: []string{"dup"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(1)}},
			{Meta: sigma.Meta{Name: "c1", Title: "Cycle one"}, Type: sigma.EventCount, Rules: []string{"c2"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(1)}},
			{Meta: sigma.Meta{Name: "c2", Title: "Cycle two"}, Type: sigma.EventCount, Rules: []string{"c1"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(1)}},
			{Meta: sigma.Meta{Title: "Uses the cycle"}, Type: sigma.Temporal, Rules: []string{"c1", "a"}, Timespan: time.Minute},
			{Meta: sigma.Meta{Title: "Bad alias"}, Type: sigma.Temporal, Rules: []string{"a", "id-d"}, Timespan: time.Minute,
				GroupBy: []string{"ip"}, Aliases: map[string]map[string]string{"ip": {"typo": "source.ip"}}},
			{Meta: sigma.Meta{Title: "No condition"}, Type: sigma.EventCount, Rules: []string{"a"}, Timespan: time.Minute},
			{Meta: sigma.Meta{Title: "No field"}, Type: sigma.ValueSum, Rules: []string{"a"}, Timespan: time.Minute, Condition: sigma.Range{GT: num(1)}},
			{Meta: sigma.Meta{Title: "Two numbers"}, Type: sigma.ValueAvg, Rules: []string{"a"}, Timespan: time.Minute, Condition: sigma.Range{GT: num(1)},
				Field: "x", Fields: []string{"x", "y"}},
			{Meta: sigma.Meta{Title: "No timespan"}, Type: sigma.EventCount, Rules: []string{"a"}, Condition: sigma.Range{GT: num(1)}},
			{Meta: sigma.Meta{Title: "Unknown type"}, Type: "value_median", Rules: []string{"a"}, Timespan: time.Minute},
			{Meta: sigma.Meta{Title: "Kept"}, Type: sigma.EventCount, Rules: []string{"id-a"}, Timespan: time.Minute, Condition: sigma.Range{GTE: num(2)}},
		},
		steps: []string{
			"0s a",
			"1s a",
		},
	},
}

func TestGolden(t *testing.T) {
	for name, s := range scenarios {
		t.Run(name, func(t *testing.T) {
			golden(t, name, s.run(t))
		})
	}
}
