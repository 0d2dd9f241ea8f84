package server

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/attio-facade/attio-facade/attio"
)

// A caller that has taken k pages makes the fetcher go at most one page further.
func TestStreamPagesPrefetchesOnePage(t *testing.T) {
	t.Parallel()
	// In a bubble, synctest.Wait returns once every goroutine (the fetcher included) is blocked:
	// a runaway fetcher would have shown itself by then, whatever the machine's load.
	synctest.Test(t, func(t *testing.T) {
		var fetched atomic.Int64
		release := make(chan struct{})
		sent := make(chan int, 100)
		fetch := func(ctx context.Context, pos pageToken) (attio.Page[int], error) {
			fetched.Add(1)
			return attio.Page[int]{Items: []int{int(pos.Offset)}, More: true, NextOffset: int(pos.Offset) + 1}, nil
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			done <- streamPages(ctx, pager{digest: "d"}, pageToken{Query: "d"}, fetch, func(items []int, _ string) error {
				sent <- items[0]
				<-release // the caller is slow: each send waits for a release
				return nil
			})
		}()
		for k := 1; k <= 3; k++ {
			<-sent
			synctest.Wait()
			if n := fetched.Load(); n != int64(k)+1 {
				t.Fatalf("after %d pages taken, %d fetched: want exactly one page ahead", k, n)
			}
			release <- struct{}{}
		}
		cancel()
		close(release)
		if err := <-done; err == nil {
			t.Fatal("cancelled stream ended without error")
		}
		n := fetched.Load()
		synctest.Wait() // the fetcher has exited (synctest.Test also fails if it never does)
		if fetched.Load() != n {
			t.Fatal("fetching continued after cancel")
		}
	})
}
