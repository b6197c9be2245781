package crashtest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

const childEnv = "VIGIL_CRASHTEST_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		for i := 0; ; i++ {
			os.Stdout.WriteString(fmt.Sprintf("ack %d %s\n", i, dir))
		}
	}
	os.Exit(m.Run())
}

func TestKillReturnsWholeLines(t *testing.T) {
	lines := Kill(t, "TestKillReturnsWholeLines", childEnv+"=d")
	if len(lines) == 0 {
		t.Fatal("no lines")
	}
	for i, l := range lines {
		if want := fmt.Sprintf("ack %d d\n", i); l != want {
			t.Fatalf("line %d = %q, want %q", i, l, want)
		}
	}
	if !strings.HasSuffix(lines[len(lines)-1], "\n") {
		t.Fatal("a cut line came back")
	}
}
