package server

import (
	"context"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// Defaults of ApprovalWatchConfig.
const (
	DefaultApprovalsWatchInterval = 2 * time.Second
	DefaultApprovalsWatchMax      = 1000
)

// ApprovalWatchConfig bounds WatchApprovals. Zero fields take the defaults.
type ApprovalWatchConfig struct {
	// Interval is how often a watch re-reads the store. This replica's own changes arrive at once
	// (interceptors.Approvals.Changed); the store has no change feed, so other replicas' changes
	// (a shared Redis store) and expiries arrive within Interval. Default 2s.
	Interval time.Duration
	// MaxApprovals is the most approvals one snapshot holds (the newest); total still counts them
	// all. Default 1000, ListApprovals' largest page.
	MaxApprovals int
}

// WithWatch sets the bounds of WatchApprovals and returns s.
func (s *ApprovalService) WithWatch(cfg ApprovalWatchConfig) *ApprovalService {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultApprovalsWatchInterval
	}
	if cfg.MaxApprovals <= 0 {
		cfg.MaxApprovals = DefaultApprovalsWatchMax
	}
	s.watch = cfg
	return s
}

// WatchApprovals implements attiov1connect.ApprovalServiceHandler: a snapshot at once, then one
// after every change, until the caller goes away (the stream then ends OK), the send timeout ends
// it or the server drains (Unavailable: watch again). The per-caller stream cap applies (the stream interceptor); each snapshot holds its
// size of the memory budget while it is being sent.
func (s *ApprovalService) WatchApprovals(ctx context.Context, _ *attiov1.WatchApprovalsRequest, stream attiov1connect.ApprovalServiceWatchApprovalsServerStream) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	cfg := s.watch
	if cfg.Interval <= 0 {
		cfg = s.WithWatch(cfg).watch
	}
	limits := streamLimitsFrom(ctx)
	// Nothing runs ahead of the send, so a stalled caller leaves nothing to stop.
	sends := limits.watchSends(ctx, "", func() {})
	tick := time.NewTicker(cfg.Interval)
	defer tick.Stop()
	var last *attiov1.WatchApprovalsResponse
	for {
		changed := s.approvals.Changed() // before the read, so a change during it is not lost
		list, err := s.approvals.List(ctx, p)
		if err != nil {
			return err
		}
		snap := newestFirst(list, cfg.MaxApprovals)
		if last == nil || !proto.Equal(snap, last) {
			if err := sendWithin(ctx, limits, sends, snap, "", stream.Send); err != nil {
				return err
			}
			last = snap
		}
		select {
		case <-ctx.Done():
			if context.Cause(ctx) == context.Canceled {
				return nil // the caller left: a watch has no other end (a drain keeps its Unavailable)
			}
			return ctx.Err()
		case <-changed:
		case <-tick.C:
		}
	}
}

// sendWithin sends one message while holding its size of the memory budget; token is the resume
// token it carries ("" for none), which a send timeout reports.
func sendWithin[M proto.Message](ctx context.Context, limits *StreamLimits, sends *sendWatch, msg M, token string, send func(M) error) error {
	g, err := limits.mem.acquire(ctx, streamCaller(ctx), int64(proto.Size(msg)))
	if err != nil {
		return err
	}
	defer g.release()
	return sends.send(func() error { return send(msg) }, token)
}

// newestFirst is the snapshot of list (oldest first, as Approvals.List returns it): newest first,
// cut at limit.
func newestFirst(list []*attiov1.Approval, limit int) *attiov1.WatchApprovalsResponse {
	out := slices.Clone(list)
	slices.Reverse(out)
	return &attiov1.WatchApprovalsResponse{Approvals: out[:min(len(out), limit)], Total: int32(len(list))}
}
