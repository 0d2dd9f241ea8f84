package attio_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// budgetSplit checks which budget a resource's calls spend, with reads at 100/s and writes at 1/s
// on a stub answering serve: ten reads start within a second (they do not wait on the write
// budget) and three writes take at least two (they do).
func budgetSplit(t *testing.T, serve func(w http.ResponseWriter, r *http.Request), read, write func(ctx context.Context, c *attio.Client) error) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		s := &stub{serve: func(_ int, w http.ResponseWriter, r *http.Request) { serve(w, r) }}
		c := bubbleClient(t, s, func(c *attio.Config) {
			c.Limits = &attio.Limits{AttioReads: 100, AttioWrites: 1}
			c.Direct = true
			c.BaseURL = s.URL + "/v2"
		})
		ctx := ctxTimeout(t, time.Minute)
		run := func(n int, f func(ctx context.Context, c *attio.Client) error) time.Duration {
			start := time.Now()
			var wg sync.WaitGroup
			for range n {
				wg.Go(func() {
					if err := f(ctx, c); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			return time.Since(start)
		}
		if d := run(10, read); d >= time.Second {
			t.Errorf("ten reads took %v: they wait on the write budget", d)
		}
		if d := run(3, write); d < 2*time.Second {
			t.Errorf("three writes took %v at one write a second: they skip the write budget", d)
		}
	})
}
