package redisstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetLogger sends go-redis's own log lines (pool dial failures during an outage) to l at debug
// level, instead of plain lines on stderr between the facade's JSON logs. It is process-wide.
func SetLogger(l *slog.Logger) { redis.SetLogger(slogPrintf{l}) }

type slogPrintf struct{ l *slog.Logger }

func (p slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	p.l.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}
