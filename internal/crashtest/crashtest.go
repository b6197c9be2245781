// Package crashtest kills processes the way a crash does, for tests of
// recovery: it runs the test binary again as a child that works on a data
// directory, kills it with SIGKILL at a random moment after it has
// acknowledged something, and returns what the child printed before it
// died, so that the test can check every acknowledged write survived.
package crashtest

import (
	"bufio"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Kill runs this test binary again with only the test named run and the
// environment variables env ("NAME=value") added, by which the child's
// TestMain knows to work instead of testing. Once the child has printed a line starting
// with "ack ", Kill lets it run 20 to 300 ms more, kills it with SIGKILL
// and returns the whole lines it printed; a line the kill cut short is no
// acknowledgement and is dropped. The child must print each line with one
// write. The test fails if the child exits by itself, acknowledges nothing
// within a minute, or dies by anything but the kill.
func Kill(t *testing.T, run string, env ...string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+run+"$")
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := make(chan struct{})
	done := make(chan struct{})
	var lines []string
	go func() {
		defer close(done)
		r := bufio.NewReader(stdout)
		first := true
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines = append(lines, line)
			if first && strings.HasPrefix(line, "ack ") {
				first = false
				close(acked)
			}
		}
	}()
	select {
	case <-acked:
	case <-done:
		cmd.Wait()
		t.Fatalf("crash child exited before acknowledging anything: %s", stderr.String())
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("crash child acknowledged nothing within a minute: %s", stderr.String())
	}
	time.Sleep(time.Duration(20+rand.IntN(280)) * time.Millisecond) // a random moment, not a synchronisation
	// Kill is SIGKILL on Unix: no handler runs, as in a crash.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done // the reader sees EOF once the child is gone
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("crash child ended with %v, not by SIGKILL: %s", err, stderr.String())
	}
	return lines
}
