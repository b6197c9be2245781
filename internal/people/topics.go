package people

import (
	"strings"
)

// Topic is what a piece of just-in-time guidance is about; each has its
// own template.
type Topic string

// The topics guidance is given on.
const (
	TopicRiskyLogon      Topic = "risky-logon"
	TopicClickedLink     Topic = "clicked-link"
	TopicPasswordSpray   Topic = "password-spray"
	TopicMalware         Topic = "malware"
	TopicDataSentOutside Topic = "data-sent-outside"
)

// Topics lists every topic, in the order alerts are matched against them.
var Topics = []Topic{TopicPasswordSpray, TopicMalware, TopicClickedLink, TopicDataSentOutside, TopicRiskyLogon}

// topicRule says which alerts a topic fits: MITRE ATT&CK tags (a
// technique also covers its sub-techniques) and words in the rule title.
type topicRule struct {
	topic Topic
	tags  []string
	words []string
}

// topicRules are tried in order; the more specific topics come first so
// that a password spray (T1110) is not taken for a risky logon (T1078).
var topicRules = []topicRule{
	{TopicPasswordSpray, []string{"attack.t1110"}, []string{"password spray", "brute force", "brute-force", "spraying"}},
	{TopicMalware, []string{"attack.t1486", "attack.t1204.002", "attack.t1490"}, []string{"malware", "ransomware", "virus", "trojan", "malicious file", "infected"}},
	{TopicClickedLink, []string{"attack.t1566", "attack.t1204.001"}, []string{"phishing", "malicious link", "malicious url", "clicked"}},
	{TopicDataSentOutside, []string{"attack.exfiltration", "attack.t1048", "attack.t1567", "attack.t1041", "attack.t1537"}, []string{"exfiltration", "data sent", "upload to", "data transfer"}},
	{TopicRiskyLogon, []string{"attack.t1078"}, []string{"logon", "login", "sign-in", "signin", "impossible travel"}},
}

// TopicFor picks the topic for an alert from its tags, then its title;
// false when none fits (the alert is not one a person can act on).
func TopicFor(title string, tags []string) (Topic, bool) {
	for _, r := range topicRules {
		if hasTag(tags, r.tags) {
			return r.topic, true
		}
	}
	lt := strings.ToLower(title)
	for _, r := range topicRules {
		for _, w := range r.words {
			if strings.Contains(lt, w) {
				return r.topic, true
			}
		}
	}
	return "", false
}

// hasTag reports whether any tag is one of want or a sub-technique of one.
func hasTag(tags, want []string) bool {
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		for _, w := range want {
			if t == w || strings.HasPrefix(t, w+".") {
				return true
			}
		}
	}
	return false
}

// levelRank orders Sigma levels; unknown levels rank lowest.
func levelRank(level string) int {
	switch strings.ToLower(level) {
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	case "critical":
		return 4
	}
	return 0
}
