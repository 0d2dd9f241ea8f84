package sandbox

import (
	"maps"
	"net/http"
	"sync"
)

// Stats is a snapshot of the request counters.
type Stats struct {
	Total        int64
	RateLimited  int64            // answers with status 429 (Maton's or Attio's)
	ByRoute      map[string]int64 // "METHOD /v2/template" (or /connections...), "METHOD UNKNOWN"
	ByStatus     map[int]int64    // 0 counts dropped connections
	ByConnection map[string]int64 // Maton-Connection header value, "default" when absent
}

type statsData struct {
	mu sync.Mutex
	s  Stats
}

func (d *statsData) reset() {
	d.mu.Lock()
	d.s = Stats{ByRoute: map[string]int64{}, ByStatus: map[int]int64{}, ByConnection: map[string]int64{}}
	d.mu.Unlock()
}

func (d *statsData) record(route string, status int, conn string) {
	if status < 0 {
		status = 0
	}
	d.mu.Lock()
	d.s.Total++
	d.s.ByRoute[route]++
	d.s.ByStatus[status]++
	if status == http.StatusTooManyRequests {
		d.s.RateLimited++
	}
	if conn != "" {
		d.s.ByConnection[conn]++
	}
	d.mu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Sandbox) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := s.stats.s
	out.ByRoute = maps.Clone(out.ByRoute)
	out.ByStatus = maps.Clone(out.ByStatus)
	out.ByConnection = maps.Clone(out.ByConnection)
	return out
}

// ResetStats zeroes the counters.
func (s *Sandbox) ResetStats() { s.stats.reset() }
