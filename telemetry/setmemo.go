package telemetry

import (
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// MaxMemoizedAttributeSets bounds each memo of metric attribute sets. It is the metrics SDK's
// own default cardinality limit (2,000 series per instrument): past it the SDK folds new series
// into one overflow series anyway, so no deployment that keeps its metrics needs more, and
// the memo holds less than the series it names.
const MaxMemoizedAttributeSets = 2000

// setMemo keeps the record options of each attribute set an instrument was recorded with,
// so that a hot path builds a set (a slice, a sort, a hash and two allocations) once per
// series rather than once per call. Beyond its bound it builds the set per call, as before.
type setMemo[K comparable] struct {
	m sync.Map // K -> []metric.RecordOption, one WithAttributeSet (a slice: passing it allocates nothing)
	n atomic.Int64
}

// get returns the memoized options of k, building them with build on a miss.
func (s *setMemo[K]) get(k K, build func(K) attribute.Set) []metric.RecordOption {
	if v, ok := s.m.Load(k); ok {
		return v.([]metric.RecordOption)
	}
	opt := []metric.RecordOption{metric.WithAttributeSet(build(k))}
	if s.n.Load() < MaxMemoizedAttributeSets {
		if _, loaded := s.m.LoadOrStore(k, opt); !loaded {
			s.n.Add(1)
		}
	}
	return opt
}

// size reports how many sets are memoized.
func (s *setMemo[K]) size() int { return int(s.n.Load()) }
