package main

import (
	"bytes"
	"strings"
	"testing"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// On a terminal: a progress bar (progressbar/v3) whose total is the facade's estimate, marked as
// one, with count, rate and ETA; it ends with a newline and leaves no blank line.
func TestProgressBarOnATerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgressReporter(&out, true, 0, 0)
	p.server(&attiov1.ExportProgress{EstimatedRemaining: 1000})
	for n := int64(100); n <= 400; n += 100 {
		p.items(n)
	}
	p.server(&attiov1.ExportProgress{Items: 400, EstimatedRemaining: 600})
	shown := out.String()
	for _, want := range []string{"export (total estimated)", "/1000", "items/"} {
		if !strings.Contains(shown, want) {
			t.Errorf("bar lacks %q: %q", want, shown)
		}
	}
	if !strings.Contains(shown, ":") || !strings.Contains(shown, "[") {
		t.Errorf("bar shows no elapsed/ETA: %q", shown)
	}
	p.items(1200) // past the estimate: the bar goes on instead of finishing early
	if strings.Contains(out.String(), "\n") {
		t.Errorf("the bar ended before the export: %q", out.String())
	}
	p.finish(true)
	endsOnce := func(got string) bool { return strings.HasSuffix(got, "\n") && !strings.HasSuffix(got, "\n\n") }
	if got := out.String(); !endsOnce(got) || strings.Count(got, "\n") != 1 {
		t.Errorf("bar does not end with exactly one newline: %q", got[max(0, len(got)-80):])
	}
	// A failed export, and an empty one, end the same way.
	for _, n := range []int64{0, 10} {
		var out bytes.Buffer
		p := newProgressReporter(&out, true, 0, 0)
		if n > 0 {
			p.items(n)
		}
		p.finish(n == 0)
		if got := out.String(); !endsOnce(got) || strings.Count(got, "\n") != 1 {
			t.Errorf("%d items: bar does not end with exactly one newline: %q", n, got)
		}
	}
}

// Elsewhere (a file, a CI log): plain lines with the estimate marked as such, rate and ETA.
func TestProgressLinesWhenNotATerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgressReporter(&out, false, 0, 50)
	p.server(&attiov1.ExportProgress{Pages: 3, UpstreamRequests: 4, EstimatedRemaining: 150})
	p.items(100)
	p.finish(true)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("want a line per update, got %q", out.String())
	}
	if !strings.Contains(lines[0], "50 items of ~200 (estimated)") || !strings.Contains(lines[0], "items/s") {
		t.Errorf("line = %q", lines[0])
	}
	if strings.Contains(out.String(), "\r") || strings.Contains(out.String(), "\x1b") {
		t.Errorf("terminal control characters in a non-terminal: %q", out.String())
	}
	if !strings.Contains(lines[len(lines)-1], "100 items") {
		t.Errorf("last line = %q", lines[len(lines)-1])
	}
}

// Once the facade says the export is done, the total is what was written: the last estimate
// (here ten times too high, as when items bunch in time) is not printed as the total.
func TestProgressTotalWhenDone(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgressReporter(&out, false, 0, 0)
	p.server(&attiov1.ExportProgress{EstimatedRemaining: 900})
	p.items(100)
	p.server(&attiov1.ExportProgress{Items: 100, Done: true})
	p.finish(true)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "100 items of ~100") {
		t.Errorf("last line = %q, want the total written", last)
	}
}

// The facade may withdraw its estimate (0: unknown again): the line then shows no total and no
// ETA rather than the old ones, and the bar goes back to a count without total.
func TestProgressEstimateWithdrawn(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{false, true} {
		var out bytes.Buffer
		p := newProgressReporter(&out, tty, 0, 0)
		p.server(&attiov1.ExportProgress{EstimatedRemaining: 900})
		p.items(100)
		out.Reset()
		p.server(&attiov1.ExportProgress{Items: 100})
		p.items(200)
		if got := out.String(); strings.Contains(got, "estimated") || strings.Contains(got, "ETA") || strings.Contains(got, "/1000") {
			t.Errorf("terminal %v: a withdrawn estimate is still shown: %q", tty, got)
		}
		if tty && !strings.Contains(out.String(), "200") {
			t.Errorf("bar without total shows no count: %q", out.String())
		}
		p.finish(true)
	}
}
