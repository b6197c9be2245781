package sigma

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"windows/good.yml": {Data: []byte("title: Good\nlogsource:\n  product: windows\ndetection:\n  sel:\n    EventID: 1\n  condition: sel\n")},
		"windows/bad.yml":  {Data: []byte("title: Bad\nlogsource:\n  product: windows\ndetection:\n  sel:\n    EventID: 1\n  condition: nosuch\n")},
		"README.md":        {Data: []byte("not a rule")},
	}
	set := LoadFS(fsys, "pack", Options{})
	if len(set.Rules) != 1 || set.Rules[0].Title != "Good" {
		t.Fatalf("loaded %d rules, want the one good rule", len(set.Rules))
	}
	if len(set.Refused) != 1 || !strings.HasPrefix(set.Refused[0].Path, "pack/windows/bad.yml") {
		t.Fatalf("refused = %v, want pack/windows/bad.yml", set.Refused)
	}
}
