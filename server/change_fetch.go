package server

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
)

// DefaultChangeFetchCache bounds the shared fetches of ChangeService (ChangeOptions.FetchCache).
const DefaultChangeFetchCache = 1024

// changeFetchTimeout bounds one shared fetch: it runs detached from the watcher that started it
// (the others wait for it too), so the first watcher leaving does not fail the rest.
const changeFetchTimeout = 30 * time.Second

// changeFetcher fetches the current record or entry of a change once and shares it between every
// watcher of this replica: concurrent watchers wait for the one fetch (singleflight), later ones
// find it among the last size results (an LRU keyed by connection and change id). A change's
// result is the state after the change as it was when first fetched; a watcher that resumes after
// the result was evicted gets a newer state, which is as good for applying in order.
type changeFetcher struct {
	size    int
	flights singleflight.Group

	mu    sync.Mutex
	lru   *list.List // of *fetched, most recent first
	byKey map[string]*list.Element

	fetches atomic.Int64 // upstream fetches made, for tests
}

type fetched struct {
	key string
	msg proto.Message // nil: gone before it was fetched
}

func newChangeFetcher(size int) *changeFetcher {
	if size <= 0 {
		size = DefaultChangeFetchCache
	}
	return &changeFetcher{size: size, lru: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the shared result of key, fetching it once. A record or entry deleted before it
// was fetched is (nil, nil): its delete follows in the log.
func (f *changeFetcher) get(ctx context.Context, key string, fetch func(context.Context) (proto.Message, error)) (proto.Message, error) {
	if m, ok := f.cached(key); ok {
		return m, nil
	}
	v, err, _ := f.flights.Do(key, func() (any, error) {
		if m, ok := f.cached(key); ok {
			return m, nil // fetched while this call waited for the flight's lock
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), changeFetchTimeout)
		defer cancel()
		f.fetches.Add(1)
		m, err := fetch(fctx)
		if attio.IsNotFound(err) {
			m, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		f.put(key, m)
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	m, _ := v.(proto.Message)
	return m, nil
}

func (f *changeFetcher) cached(key string) (proto.Message, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.byKey[key]
	if !ok {
		return nil, false
	}
	f.lru.MoveToFront(e)
	return e.Value.(*fetched).msg, true
}

func (f *changeFetcher) put(key string, m proto.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.byKey[key]; ok {
		return
	}
	f.byKey[key] = f.lru.PushFront(&fetched{key: key, msg: m})
	for f.lru.Len() > f.size {
		old := f.lru.Remove(f.lru.Back()).(*fetched)
		delete(f.byKey, old.key)
	}
}

// len is how many results are kept (for tests of the bound).
func (f *changeFetcher) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lru.Len()
}
