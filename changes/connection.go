package changes

import (
	"context"
	"fmt"
	"sync"
)

// DefaultConnection names the change log (and the webhook path, /webhooks/attio/default) of the
// facade's default Maton connection, the one a call without a Maton-Connection header reaches.
// Every other connection's log is named by its Maton connection id.
const DefaultConnection = "default"

// ConnectionName is the change log name of a call's Maton connection ("" for the default one), so
// that the webhook endpoint records and the watchers read the same log.
func ConnectionName(matonConnection string) string {
	if matonConnection == "" {
		return DefaultConnection
	}
	return matonConnection
}

// Logs names the change log of a call's connection. Under Maton a call without a
// Maton-Connection header reaches Maton's default connection, whose webhook the managed
// subscription registers (and reconciliation walks) by its id: Logs resolves that id, once, so
// such a call reads, and /webhooks/attio/default records into, the log of that id. A nil *Logs
// (Attio directly: one workspace) names the default connection DefaultConnection.
type Logs struct {
	resolve func(ctx context.Context) (string, error)

	mu sync.Mutex
	id string // the resolved default connection id; "" until resolved
}

// NewLogs resolves the default connection with resolve, on first use; "" from resolve (no
// connection to resolve to) leaves it DefaultConnection and asks again next time.
func NewLogs(resolve func(ctx context.Context) (string, error)) *Logs {
	return &Logs{resolve: resolve}
}

// Name is the log name of matonConnection ("" for the default connection, or DefaultConnection as
// a webhook path names it). An error means the default connection could not be resolved now.
func (l *Logs) Name(ctx context.Context, matonConnection string) (string, error) {
	if matonConnection != "" && matonConnection != DefaultConnection {
		return matonConnection, nil
	}
	if l == nil {
		return DefaultConnection, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.id == "" {
		id, err := l.resolve(ctx)
		if err != nil {
			return "", fmt.Errorf("resolving the default Maton connection: %w", err)
		}
		l.id = id
	}
	return ConnectionName(l.id), nil
}
