package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// progressReporter shows how the export goes on stderr: a progress bar on a terminal (total,
// rate and ETA once the total is known or estimated), plain log lines every interval otherwise
// (CI logs, redirected output), so nothing but text lines ever lands in a file.
type progressReporter struct {
	w        io.Writer
	bar      *progressbar.ProgressBar // nil when w is not a terminal
	every    time.Duration
	start    time.Time
	last     time.Time
	n        int64 // items written, earlier runs of a resumed export included
	from     int64 // items written before this run
	total    int64 // estimated total items; 0 while unknown
	upstream *attiov1.ExportProgress
	done     bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newProgressReporter(w io.Writer, tty bool, every time.Duration, resumedAt int64) *progressReporter {
	now := time.Now()
	p := &progressReporter{w: w, every: every, start: now, last: now, n: resumedAt, from: resumedAt}
	if tty {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("export"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("items"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(min(every, 100*time.Millisecond)), // redraws; tests pass 0
			progressbar.OptionSetWidth(30),
			// Redrawn on updates only: the bar's own ticker goroutine (length unknown) ends only
			// when the bar fills, so an export that fails or is interrupted would leak it.
			progressbar.OptionSetSpinnerChangeInterval(0),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
		_ = p.bar.Set64(resumedAt)
	}
	return p
}

// server takes the facade's progress message: its counters for the log line, and its estimate
// of the items still to come, which makes the total.
func (p *progressReporter) server(pr *attiov1.ExportProgress) {
	p.upstream = pr
	if pr.GetDone() {
		// Done: the total is what was written, whatever the last estimate said (the facade sends
		// no estimate once done, and an early one can be far off when items bunch in time).
		p.total = p.n
		if p.bar != nil && p.n > 0 {
			p.bar.ChangeMax64(p.n)
		}
	} else if est := estimatedTotal(p.n, pr); est > 0 {
		p.total = est
		if p.bar != nil {
			p.bar.ChangeMax64(est)
			p.bar.Describe("export (total estimated)")
		}
	} else if p.total > 0 {
		// The facade withdrew its estimate (it says nothing when the walk reaches items it cannot
		// extrapolate from): an old total and its ETA would now be wrong, so show none.
		p.total = 0
		if p.bar != nil {
			// progressbar cannot go back to an unknown length with a count past its spinner's
			// width: it is reset (its elapsed time and rate restart) and given the count again.
			p.bar.Reset()
			p.bar.Describe("export")
			p.bar.ChangeMax64(-1)
			_ = p.bar.Set64(p.n)
		}
	}
	p.show(pr.GetDone())
}

func (p *progressReporter) items(n int64) {
	p.n = n
	if p.total > 0 && p.n >= p.total {
		// An estimate that fell short: the bar must not reach its end (and finish) before the
		// export does.
		p.total = p.n + 1
	}
	if p.bar != nil {
		if p.total > 0 {
			p.bar.ChangeMax64(p.total)
		}
		_ = p.bar.Set64(n)
		return
	}
	p.show(false)
}

// rate is this run's items per second.
func (p *progressReporter) rate(now time.Time) float64 {
	if s := now.Sub(p.start).Seconds(); s > 0 {
		return float64(p.n-p.from) / s
	}
	return 0
}

func (p *progressReporter) show(final bool) {
	if p.bar != nil {
		return
	}
	now := time.Now()
	if !final && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	rate := p.rate(now)
	of, eta := "", ""
	if p.total > 0 {
		of = fmt.Sprintf(" of ~%d (estimated)", p.total)
		if rate > 0 && !final {
			eta = fmt.Sprintf(", ETA %s", time.Duration(float64(p.total-p.n)/rate*float64(time.Second)).Round(time.Second))
		}
	}
	up := p.upstream
	fmt.Fprintf(p.w, "export: %d items%s, %.0f items/s%s, %s elapsed, %d upstream pages, %d upstream requests, %d rate-limited\n",
		p.n, of, rate, eta, now.Sub(p.start).Round(time.Second), up.GetPages(), up.GetUpstreamRequests(), up.GetRateLimited())
}

// finish ends the bar (its last line stays, followed by a newline) or writes the final log line.
func (p *progressReporter) finish(ok bool) {
	if p.done {
		return
	}
	p.done = true
	if p.bar == nil {
		if ok {
			p.show(true)
		}
		return
	}
	if ok && p.n > 0 {
		p.bar.ChangeMax64(p.n) // reaching the end prints the completion newline
		_ = p.bar.Finish()
		return
	}
	_ = p.bar.Exit() // keeps the last state, then the completion newline
}

// estimatedTotal is the items written so far plus the facade's estimate of those to come; 0
// while the facade has no estimate.
func estimatedTotal(written int64, pr *attiov1.ExportProgress) int64 {
	if r := pr.GetEstimatedRemaining(); r > 0 {
		return written + r
	}
	return 0
}
