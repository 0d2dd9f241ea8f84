package interceptors

import (
	"context"
	"log/slog"
)

// Decision is what happened to a write.
type Decision string

// The write decisions the audit log records.
const (
	// DecisionRequested: a write arrived without approval; a pending approval was created (or reused).
	DecisionRequested Decision = "requested"
	// DecisionApproved: an approver approved a pending write.
	DecisionApproved Decision = "approved"
	// DecisionDenied: an approver denied a pending write.
	DecisionDenied Decision = "denied"
	// DecisionAutoApproved: the principal's policy let its write through without a second person.
	DecisionAutoApproved Decision = "auto_approved"
	// DecisionExecuted: the write ran (Outcome says how it ended).
	DecisionExecuted Decision = "executed"
	// DecisionRefused: the write was refused (bad, replayed, expired or mismatched token; no scope).
	DecisionRefused Decision = "refused"
)

// AuditEvent is one audit line. It carries identifiers and digests only: never tokens, keys or the
// request's values.
type AuditEvent struct {
	Decision   Decision
	Principal  string
	Procedure  string
	Connection string
	// Digest is the hex SHA-256 of the procedure and canonical request bytes.
	Digest     string
	ApprovalID string
	// Requester is the principal that asked for the write, when it differs from Principal (approvals).
	Requester string
	// Outcome is "ok" or the Connect code a write ended with.
	Outcome string
	// Reason explains a refusal or carries a denial's reason.
	Reason string
}

// AuditLog writes write decisions to a dedicated structured logger, so they can be shipped and
// retained apart from operational logs. A nil *AuditLog discards.
type AuditLog struct {
	logger  *slog.Logger
	metrics ApprovalMetrics
}

// ApprovalMetrics counts write decisions by outcome (telemetry.Telemetry implements it).
type ApprovalMetrics interface {
	RecordApproval(ctx context.Context, outcome string)
}

// NewAuditLog returns an audit log writing to logger (nil discards) and, when metrics is not nil,
// counting every decision there.
func NewAuditLog(logger *slog.Logger, metrics ...ApprovalMetrics) *AuditLog {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &AuditLog{logger: logger}
	if len(metrics) > 0 {
		l.metrics = metrics[0]
	}
	return l
}

// Record writes e. Refusals and denials are warnings; everything else is info.
func (l *AuditLog) Record(ctx context.Context, e AuditEvent) {
	if l == nil {
		return
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.String("decision", string(e.Decision)),
		slog.String("principal", e.Principal),
		slog.String("procedure", e.Procedure),
		slog.String("connection", e.Connection),
	)
	for _, kv := range [...]struct{ k, v string }{
		{"request_digest", e.Digest}, {"approval_id", e.ApprovalID}, {"requester", e.Requester},
		{"outcome", e.Outcome}, {"reason", e.Reason},
	} {
		if kv.v != "" {
			attrs = append(attrs, slog.String(kv.k, kv.v))
		}
	}
	level := slog.LevelInfo
	if e.Decision == DecisionRefused || e.Decision == DecisionDenied {
		level = slog.LevelWarn
	}
	l.logger.LogAttrs(ctx, level, "write decision", attrs...)
	if l.metrics != nil {
		l.metrics.RecordApproval(ctx, string(e.Decision))
	}
}
