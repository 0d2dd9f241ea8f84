// Command tracechain accounts for the wall time of sequential unary calls in a runtime/trace of
// the facade (issue 16, target 4: the added latency). It is its own module so that the facade's
// go.mod does not carry the trace parser (golang.org/x/exp/trace).
//
//	curl -o grpc.trace "http://127.0.0.1:PORT/debug/pprof/trace?seconds=5"   # UNARY_BENCH_ADMIN
//	cd scripts/tracechain && go run . grpc.trace
//
// A call's window runs from the server's reader waking on the network (the request's first
// bytes) to the end of the last write of its response to the client. Within windows, each
// instant is counted once: some goroutine running, else some runnable (waiting for a P or a
// thread), else some in a syscall, else all blocked (then by what the handler waits on). Calls
// must be sequential (the benchmark makes one at a time), or windows overlap.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tracechain <runtime trace file>")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	c, err := analyze(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c.print(os.Stdout)
}

// goroutine is what the analysis keeps of one goroutine.
type goroutine struct {
	start   string // function the goroutine started in
	created trace.Time
	state   trace.GoState
	since   trace.Time
	waitOn  string // while waiting: the reason and the first frame outside runtime, sync, internal
	writing bool   // in a syscall that writes a response to the client
	pprof   bool   // serves /debug/pprof (the trace itself): never a handler
	handler int    // index in handlers, or -1
}

// handlerLife is an HTTP/2 handler goroutine's creation, its last release from a wait (the
// trailers buffered by the serve loop, whose flush follows) and its end (0: after the trace).
type handlerLife struct{ created, released, ended trace.Time }

// span is one goroutine's stay in one state.
type span struct {
	g      trace.GoID
	state  trace.GoState
	waitOn string
	a, b   trace.Time
}

// chain is the accounting of one trace.
type chain struct {
	windows  []window
	running  time.Duration // some goroutine running
	runnable time.Duration // none running, some runnable
	syscall  time.Duration // none running or runnable, some in a syscall
	blocked  map[string]time.Duration
	created  map[string]int // goroutines created in windows, by start function
	wakeups  map[string]int // waiting -> runnable in windows, by start function
	sysDur   map[string][]time.Duration
	writes   int             // response writes to the client in windows
	writeDur []time.Duration // and how long each one took
}

type window struct{ a, b trace.Time }

func analyze(r io.Reader) (*chain, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return nil, err
	}
	gs := map[trace.GoID]*goroutine{}
	var spans []span
	var reads, writes []trace.Time // reader wake-ups on the network; ends of response writes
	var writeDur []time.Duration   // the response writes' durations, in the order of writes
	var handlers []handlerLife     // HTTP/2 handler goroutines, one per call
	var creations []span           // (start function in waitOn) for the created counts
	var wakes []span
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id, t := st.Resource.Goroutine(), ev.Time()
		from, to := st.Goroutine()
		g := gs[id]
		if g == nil {
			g = &goroutine{state: from, since: t, handler: -1}
			gs[id] = g
		}
		if from == trace.GoNotExist {
			g.start, g.created = startFunc(st.Stack), t
			creations = append(creations, span{g: id, a: t})
			if strings.HasSuffix(g.start, "serverConn).runHandler") {
				g.handler = len(handlers)
				handlers = append(handlers, handlerLife{created: t})
			}
		}
		if g.start == "" {
			g.start = startFunc(st.Stack) // existed before the trace: its oldest frame now
		}
		if from != trace.GoNotExist {
			spans = append(spans, span{id, g.state, g.waitOn, g.since, t})
		}
		if from == trace.GoWaiting && to == trace.GoRunnable {
			wakes = append(wakes, span{g: id, a: t})
			if g.handler >= 0 {
				handlers[g.handler].released = t
			}
			if strings.HasPrefix(g.waitOn, "network") && isReader(g.start) {
				reads = append(reads, t)
			}
		}
		if to == trace.GoSyscall {
			// The trace's own HTTP/1.1 response (runtime/trace writing to /debug/pprof/trace) is
			// not a call's.
			g.writing = hasFrame(st.Stack, "serverConn).Flush") ||
				(hasFrame(st.Stack, "checkConnErrorWriter") && !hasFrame(st.Stack, "runtime/trace."))
		}
		if from == trace.GoSyscall && g.writing {
			writes = append(writes, t)
			writeDur = append(writeDur, t.Sub(g.since))
			g.writing = false
		}
		if to == trace.GoNotExist && g.handler >= 0 {
			handlers[g.handler].ended = t
		}
		g.state, g.since, g.waitOn = to, t, ""
		if to == trace.GoWaiting {
			g.waitOn = st.Reason + " " + waitSite(st.Stack)
			g.pprof = g.pprof || strings.Contains(g.waitOn, "pprof")
		}
	}
	c := &chain{blocked: map[string]time.Duration{}, created: map[string]int{}, wakeups: map[string]int{}, sysDur: map[string][]time.Duration{}}
	if len(handlers) > 0 {
		c.windows = http2Windows(reads, writes, handlers)
	} else {
		c.windows = http1Windows(reads, writes)
	}
	in := func(t trace.Time) bool {
		i := sort.Search(len(c.windows), func(i int) bool { return c.windows[i].b > t })
		return i < len(c.windows) && c.windows[i].a <= t
	}
	for i, t := range writes { // in the order recorded: by time
		if in(t - 1) {
			c.writes++ // a window ends with a write: count the write's end just inside
			c.writeDur = append(c.writeDur, writeDur[i])
		}
	}
	for _, s := range creations {
		if in(s.a) {
			c.created[short(gs[s.g].start)]++
		}
	}
	for _, s := range wakes {
		if in(s.a) {
			c.wakeups[short(gs[s.g].start)]++
		}
	}
	isHandler := func(g *goroutine) bool {
		return strings.HasSuffix(g.start, "serverConn).runHandler") ||
			(len(handlers) == 0 && strings.HasSuffix(g.start, "conn).serve") && !g.pprof)
	}
	c.sweep(spans, gs, isHandler)
	for _, s := range spans {
		if s.state == trace.GoSyscall && in(s.a) {
			name := short(gs[s.g].start)
			c.sysDur[name] = append(c.sysDur[name], s.b.Sub(s.a))
		}
	}
	return c, nil
}

// maxWindow drops a call whose request was read without its reader parking on the network
// first (the window would start at an earlier call's wake-up), such as the first call of a round.
const maxWindow = 50 * time.Millisecond

// http2Windows: one window per handler goroutine, from the last reader wake-up before it was
// created to the first response write that ends after its last release from a wait: the serve
// loop buffers the trailers, releases the handler, then flushes.
func http2Windows(reads, writes []trace.Time, handlers []handlerLife) []window {
	sortTimes(reads, writes)
	var out []window
	for _, h := range handlers {
		k := sort.Search(len(reads), func(k int) bool { return reads[k] > h.created }) - 1
		j := sort.Search(len(writes), func(j int) bool { return writes[j] >= h.released })
		if k < 0 || h.ended == 0 || j == len(writes) || (len(out) > 0 && reads[k] < out[len(out)-1].b) ||
			writes[j].Sub(reads[k]) > maxWindow {
			continue // cut by the trace's start or end, overlapping, or a reader that did not park
		}
		out = append(out, window{reads[k], writes[j]})
	}
	return out
}

// http1Windows: a call starts at a reader wake-up that follows the previous response and ends at
// the last response write before the next such wake-up.
func http1Windows(reads, writes []trace.Time) []window {
	sortTimes(reads, writes)
	var out []window
	j := 0
	for i := 0; i < len(reads); {
		a := reads[i]
		for j < len(writes) && writes[j] < a {
			j++
		}
		if j == len(writes) {
			break
		}
		k := i + 1
		for k < len(reads) && reads[k] < writes[j] {
			k++ // more of the same request
		}
		for j+1 < len(writes) && (k == len(reads) || writes[j+1] < reads[k]) {
			j++
		}
		if writes[j].Sub(a) <= maxWindow {
			out = append(out, window{a, writes[j]})
		}
		i = k
	}
	return out
}

// sweep splits the windows' time by what the facade's goroutines were doing.
func (c *chain) sweep(spans []span, gs map[trace.GoID]*goroutine, isHandler func(*goroutine) bool) {
	type edge struct {
		t     trace.Time
		state trace.GoState
		delta int
	}
	var edges []edge
	var handlerWaits []span
	for _, s := range spans {
		switch s.state {
		case trace.GoRunning, trace.GoRunnable, trace.GoSyscall:
			if start := gs[s.g].start; strings.HasPrefix(start, "os/signal.") {
				continue // sits in a syscall for good
			}
			edges = append(edges, edge{s.a, s.state, 1}, edge{s.b, s.state, -1})
		case trace.GoWaiting:
			if isHandler(gs[s.g]) {
				handlerWaits = append(handlerWaits, s)
			}
		}
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].t < edges[j].t })
	sort.Slice(handlerWaits, func(i, j int) bool { return handlerWaits[i].a < handlerWaits[j].a })
	waitingOn := func(t trace.Time) string {
		i := sort.Search(len(handlerWaits), func(i int) bool { return handlerWaits[i].a > t })
		for k := i - 1; k >= 0 && k >= i-64; k-- {
			if handlerWaits[k].b > t {
				return handlerWaits[k].waitOn
			}
		}
		return "(no handler waiting)"
	}
	n := map[trace.GoState]int{}
	w := 0
	for i := 1; i < len(edges); i++ {
		n[edges[i-1].state] += edges[i-1].delta
		a, b := edges[i-1].t, edges[i].t
		for w < len(c.windows) && c.windows[w].b <= a {
			w++
		}
		for k := w; k < len(c.windows) && c.windows[k].a < b; k++ {
			lo, hi := max(a, c.windows[k].a), min(b, c.windows[k].b)
			if hi <= lo {
				continue
			}
			d := hi.Sub(lo)
			switch {
			case n[trace.GoRunning] > 0:
				c.running += d
			case n[trace.GoRunnable] > 0:
				c.runnable += d
			case n[trace.GoSyscall] > 0:
				c.syscall += d
			default:
				c.blocked[waitingOn(lo)] += d
			}
		}
	}
}

func (c *chain) total() (d time.Duration) {
	for _, w := range c.windows {
		d += w.b.Sub(w.a)
	}
	return d
}

func (c *chain) print(out io.Writer) {
	n := len(c.windows)
	if n == 0 {
		fmt.Fprintln(out, "no call windows found")
		return
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(n) }
	ds := make([]time.Duration, n)
	for i, w := range c.windows {
		ds[i] = w.b.Sub(w.a)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	fmt.Fprintf(out, "%d calls; window (first request read to last response write): p50 %.0f µs, mean %.0f µs\n",
		n, float64(ds[n/2])/1e3, per(c.total()))
	fmt.Fprintf(out, "  some goroutine running          %6.0f µs/call\n", per(c.running))
	fmt.Fprintf(out, "  none running, some runnable     %6.0f µs/call (waiting for a P or its thread)\n", per(c.runnable))
	fmt.Fprintf(out, "  only syscalls                   %6.0f µs/call\n", per(c.syscall))
	var blocked time.Duration
	for _, d := range c.blocked {
		blocked += d
	}
	fmt.Fprintf(out, "  all blocked                     %6.0f µs/call, the handler waiting on:\n", per(blocked))
	for _, k := range sortedKeys(c.blocked) {
		fmt.Fprintf(out, "      %6.0f  %s\n", per(c.blocked[k]), k)
	}
	if len(c.writeDur) > 0 {
		d := c.writeDur
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		fmt.Fprintf(out, "response writes to the client per call: %.2f, p50 %.1f µs, p90 %.1f µs\n",
			float64(c.writes)/float64(n), float64(d[len(d)/2])/1e3, float64(d[len(d)*9/10])/1e3)
	}
	fmt.Fprintln(out, "goroutines created per call:")
	for _, k := range sortedKeys(c.created) {
		fmt.Fprintf(out, "      %6.2f  %s\n", float64(c.created[k])/float64(n), k)
	}
	fmt.Fprintln(out, "wake-ups (waiting -> runnable) per call:")
	for _, k := range sortedKeys(c.wakeups) {
		fmt.Fprintf(out, "      %6.2f  %s\n", float64(c.wakeups[k])/float64(n), k)
	}
	fmt.Fprintln(out, "syscalls per call, and their durations:")
	for _, k := range sortedKeys(c.sysDur) {
		d := c.sysDur[k]
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		fmt.Fprintf(out, "      %6.2f  %-45s p50 %5.1f µs  p90 %6.1f µs\n", float64(len(d))/float64(n), k,
			float64(d[len(d)/2])/1e3, float64(d[len(d)*9/10])/1e3)
	}
}

func sortedKeys[V int | time.Duration | []time.Duration](m map[string]V) []string {
	size := func(v V) float64 {
		switch x := any(v).(type) {
		case int:
			return float64(x)
		case time.Duration:
			return float64(x)
		case []time.Duration:
			return float64(len(x))
		}
		return 0
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if size(v) > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return size(m[keys[i]]) > size(m[keys[j]]) })
	return keys
}

// isReader: goroutines that wait on the network for a caller's next request: HTTP/2's frame
// reader and HTTP/1.1's connection goroutine. Not HTTP/1.1's background read: the server wakes it
// itself (a past read deadline) once the response is written.
func isReader(start string) bool {
	return strings.HasSuffix(start, "readFrames") || strings.HasSuffix(start, "conn).serve")
}

func sortTimes(ts ...[]trace.Time) {
	for _, t := range ts {
		sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
	}
}

// startFunc is the outermost frame of a stack: the function a goroutine started in.
func startFunc(s trace.Stack) string {
	var last string
	for f := range s.Frames() {
		last = f.Func
	}
	return last
}

func waitSite(s trace.Stack) string {
	for f := range s.Frames() {
		if !strings.HasPrefix(f.Func, "runtime.") && !strings.HasPrefix(f.Func, "sync.") && !strings.HasPrefix(f.Func, "internal/") {
			return f.Func
		}
	}
	return "?"
}

func hasFrame(s trace.Stack, sub string) bool {
	for f := range s.Frames() {
		if strings.Contains(f.Func, sub) {
			return true
		}
	}
	return false
}

func short(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}
