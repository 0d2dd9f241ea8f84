package redisstore_test

import (
	"log/slog"
	"os"
	"testing"

	"github.com/attio-facade/attio-facade/internal/redistest"
	"github.com/attio-facade/attio-facade/redisstore"
)

// open starts a fresh redis-server and opens a store on it.
func open(t *testing.T, o redisstore.Options) (*redisstore.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	s, err := redisstore.Open(t.Context(), srv.URL(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, srv
}

func TestMain(m *testing.M) {
	// Outage tests make go-redis log every failed dial; keep the test output readable.
	redisstore.SetLogger(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}
