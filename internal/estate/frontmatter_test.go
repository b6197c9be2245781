package estate

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vigilhealth/vigil/internal/sharedtest"
)

// TestFastFrontMatterAgrees reads every shared product file with the fast
// reader and with the YAML parser: where the fast reader answers, both
// must agree, and it must answer for nearly all of them.
func TestFastFrontMatterAgrees(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(sharedtest.Path(t, "endoflife", "products"), "*.md"))
	fast := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fm, _, err := splitFrontMatter(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want, wantLines, err := readFrontMatterYAML(fm)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, gotLines, ok := readFrontMatterFast(fm)
		if !ok {
			t.Logf("%s: read by the YAML parser", filepath.Base(path))
			continue
		}
		fast++
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotLines, wantLines) {
			t.Errorf("%s: fast reader differs:\n got %+v %v\nwant %+v %v", path, got, gotLines, want, wantLines)
		}
	}
	if fast < len(paths)*9/10 {
		t.Errorf("the fast reader took only %d of %d files", fast, len(paths))
	}
}

func TestFastFrontMatterRefuses(t *testing.T) {
	for _, fm := range []string{
		"title: [a, b]\n",
		"title: a\ntitle: b\n",
		"releases:\n  - releaseCycle: \"1\"\n    releaseCycle: \"2\"\n",
		"releases:\n  - releaseCycle: &a x\n",
		"releases:\n  - releaseCycle: \"a\\\"b\"\n",
		"releases:\n  - releaseCycle: x\n    eol: someday\n",
		"releases:\n  - releaseCycle: x\n    eol:\n      - 1\n",
		"releases:\n  -\n    releaseCycle: x\n",
		"title: a\n  continued\n",
		"releases: []\n",
		"releases:\n\t- releaseCycle: x\n",
	} {
		if raw, _, ok := readFrontMatterFast([]byte(fm)); ok {
			t.Errorf("fast reader accepted %q as %+v", fm, raw)
		}
	}
}
