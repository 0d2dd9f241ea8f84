package server

import (
	"context"
	"errors"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// Defaults of ChangeOptions.
const (
	DefaultChangeHeartbeat = 15 * time.Second
	// changeReadBatch is how many log entries a watcher reads at once: it bounds what one read
	// holds, not what a watcher may receive.
	changeReadBatch = 256
	// changePoll is how often a watcher rereads a log that cannot wake it (not a changes.Notifier).
	changePoll = time.Second
)

// ReasonChangeTokenExpired is the google.rpc.ErrorInfo reason (domain "attio-facade") of a watch
// whose resume_token the change log no longer holds: the changes after it are lost to it. Its
// metadata key ChangeTokenKey holds the log's current token: watch from it and re-snapshot
// through ExportRecords (ExportEntries), as docs/changes.md says.
const (
	ReasonChangeTokenExpired = "CHANGE_TOKEN_EXPIRED"
	ChangeTokenKey           = "change_token"
)

// ChangeOptions configures NewChangeService. Zero fields take the defaults.
type ChangeOptions struct {
	// Log is the change log the inbound webhook endpoint records into.
	Log changes.Log
	// Heartbeat is how long a watch may go without a message before it is sent a heartbeat
	// carrying the current token. Default 15s.
	Heartbeat time.Duration
	// FetchCache is how many fetched records and entries are kept for watchers that come later
	// (concurrent watchers share one fetch anyway). Default DefaultChangeFetchCache.
	FetchCache int
	// Logs names the log of a call without a Maton-Connection header (under Maton, the default
	// connection's id); nil: DefaultConnection.
	Logs *changes.Logs
}

// ChangeService serves WatchRecords and WatchEntries over the change log: a watcher reads the log
// of its call's connection from its token on, keeps the changes of its object or list, and gets
// each created or updated record (entry) from one fetch shared by every watcher of this replica.
type ChangeService struct {
	client    *attio.Client
	log       changes.Log
	heartbeat time.Duration
	fetch     *changeFetcher
	logs      *changes.Logs
}

var _ attiov1connect.ChangeServiceHandler = (*ChangeService)(nil)

// NewChangeService returns the change streams over o.Log, fetching through c.
func NewChangeService(c *attio.Client, o ChangeOptions) *ChangeService {
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultChangeHeartbeat
	}
	return &ChangeService{client: c, log: o.Log, heartbeat: o.Heartbeat, fetch: newChangeFetcher(o.FetchCache), logs: o.Logs}
}

// ChangeStats are ChangeService's figures, for metrics and tests.
type ChangeStats struct {
	Fetches int64 // records and entries fetched upstream for changes
	Cached  int   // fetched results kept now (at most FetchCache)
}

// Stats returns the current figures.
func (s *ChangeService) Stats() ChangeStats {
	return ChangeStats{Fetches: s.fetch.fetches.Load(), Cached: s.fetch.len()}
}

var recordKinds = map[string]attiov1.ChangeKind{
	"record.created": attiov1.ChangeKind_CHANGE_KIND_CREATED,
	"record.updated": attiov1.ChangeKind_CHANGE_KIND_UPDATED,
	"record.deleted": attiov1.ChangeKind_CHANGE_KIND_DELETED,
	"record.merged":  attiov1.ChangeKind_CHANGE_KIND_MERGED,
}

var entryKinds = map[string]attiov1.ChangeKind{
	"list-entry.created": attiov1.ChangeKind_CHANGE_KIND_CREATED,
	"list-entry.updated": attiov1.ChangeKind_CHANGE_KIND_UPDATED,
	"list-entry.deleted": attiov1.ChangeKind_CHANGE_KIND_DELETED,
}

// WatchRecords implements attiov1connect.ChangeServiceHandler.
func (s *ChangeService) WatchRecords(ctx context.Context, req *attiov1.WatchRecordsRequest, stream attiov1connect.ChangeServiceWatchRecordsServerStream) error {
	if err := checkWatchFilter(req.GetFilter()); err != nil {
		return err
	}
	obj, err := s.client.GetObject(ctx, req.GetObject())
	if err != nil {
		return upstreamError(err)
	}
	objectID, filter := obj.ID.ObjectID, req.GetFilter()
	change := func(ctx context.Context, conn string, e changes.Event, token string) (*attiov1.WatchRecordsResponse, bool, error) {
		kind, ok := recordKinds[e.Type]
		if !ok || e.IDs["object_id"] != objectID {
			return nil, false, nil
		}
		c := &attiov1.RecordChange{
			ChangeId: e.ID, Kind: kind,
			Id:    &attiov1.RecordId{WorkspaceId: e.IDs["workspace_id"], ObjectId: objectID, RecordId: e.IDs["record_id"]},
			Actor: eventActor(e), Time: timestamppb.New(e.Received), AttributeId: e.IDs["attribute_id"],
			Reconciled: e.Reconciled, ChangeToken: token,
		}
		if kind == attiov1.ChangeKind_CHANGE_KIND_MERGED {
			c.MergedId = &attiov1.RecordId{WorkspaceId: e.IDs["workspace_id"], ObjectId: e.Extra["duplicate_object_id"], RecordId: e.Extra["duplicate_record_id"]}
		}
		if kind != attiov1.ChangeKind_CHANGE_KIND_DELETED {
			m, err := changeItem(ctx, s, conn, e, func(ctx context.Context) (*attiov1.Record, error) {
				return s.client.GetRecordMessage(ctx, objectID, c.GetId().GetRecordId())
			})
			if err != nil {
				return nil, false, err
			}
			c.Record = m
			if filter != nil && (c.Record == nil || !matchFilter(filter, c.Record.GetValues())) {
				return nil, false, nil
			}
		}
		return &attiov1.WatchRecordsResponse{Message: &attiov1.WatchRecordsResponse_Change{Change: c}}, true, nil
	}
	heartbeat := func(token string) *attiov1.WatchRecordsResponse {
		return &attiov1.WatchRecordsResponse{Message: &attiov1.WatchRecordsResponse_Heartbeat{Heartbeat: newHeartbeat(token)}}
	}
	return watchChanges(ctx, s, req.GetResumeToken(), change, heartbeat, stream.Send)
}

// WatchEntries implements attiov1connect.ChangeServiceHandler.
func (s *ChangeService) WatchEntries(ctx context.Context, req *attiov1.WatchEntriesRequest, stream attiov1connect.ChangeServiceWatchEntriesServerStream) error {
	if err := checkWatchFilter(req.GetFilter()); err != nil {
		return err
	}
	l, err := s.client.GetList(ctx, req.GetList())
	if err != nil {
		return upstreamError(err)
	}
	listID, filter := l.ID.ListID, req.GetFilter()
	change := func(ctx context.Context, conn string, e changes.Event, token string) (*attiov1.WatchEntriesResponse, bool, error) {
		kind, ok := entryKinds[e.Type]
		if !ok || e.IDs["list_id"] != listID {
			return nil, false, nil
		}
		c := &attiov1.EntryChange{
			ChangeId: e.ID, Kind: kind,
			Id:             &attiov1.EntryId{WorkspaceId: e.IDs["workspace_id"], ListId: listID, EntryId: e.IDs["entry_id"]},
			ParentRecordId: e.Extra["parent_record_id"], ParentObjectId: e.Extra["parent_object_id"],
			Actor: eventActor(e), Time: timestamppb.New(e.Received), AttributeId: e.IDs["attribute_id"],
			Reconciled: e.Reconciled, ChangeToken: token,
		}
		if kind != attiov1.ChangeKind_CHANGE_KIND_DELETED {
			m, err := changeItem(ctx, s, conn, e, func(ctx context.Context) (*attiov1.Entry, error) {
				return s.client.GetEntryMessage(ctx, listID, c.GetId().GetEntryId())
			})
			if err != nil {
				return nil, false, err
			}
			c.Entry = m
			if filter != nil && (c.Entry == nil || !matchFilter(filter, c.Entry.GetEntryValues())) {
				return nil, false, nil
			}
		}
		return &attiov1.WatchEntriesResponse{Message: &attiov1.WatchEntriesResponse_Change{Change: c}}, true, nil
	}
	heartbeat := func(token string) *attiov1.WatchEntriesResponse {
		return &attiov1.WatchEntriesResponse{Message: &attiov1.WatchEntriesResponse_Heartbeat{Heartbeat: newHeartbeat(token)}}
	}
	return watchChanges(ctx, s, req.GetResumeToken(), change, heartbeat, stream.Send)
}

// changeItem is the record (entry) of a created, updated or merged change: the one a reconciled
// change carries (what the pass compared, so that the next pass knows what watchers hold), else
// the shared fetch. nil: deleted before it was fetched.
func changeItem[M interface {
	*T
	proto.Message
}, T any](ctx context.Context, s *ChangeService, conn string, e changes.Event, fetch func(context.Context) (M, error)) (M, error) {
	if e.Reconciled && len(e.Record) > 0 {
		m := M(new(T))
		if err := proto.Unmarshal(e.Record, m); err != nil {
			return nil, connect.NewError(connect.CodeInternal, "a reconciled change's record or entry does not decode")
		}
		return m, nil
	}
	got, err := s.fetch.get(ctx, conn+"\x00"+e.ID, func(ctx context.Context) (proto.Message, error) {
		m, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		return m, nil
	})
	m, _ := got.(M)
	return m, err
}

func newHeartbeat(token string) *attiov1.ChangeHeartbeat {
	return &attiov1.ChangeHeartbeat{ChangeToken: token, Time: timestamppb.Now()}
}

func eventActor(e changes.Event) *attiov1.ActorReference {
	var id *string
	if e.Actor.ID != "" {
		id = &e.Actor.ID
	}
	return attio.ActorReference(e.Actor.Type, id)
}

// watchChanges runs one watch: a heartbeat with the starting token, then every change of the
// call's connection log after it that change keeps, each with its own token, and a heartbeat
// whenever nothing was sent for the heartbeat interval, until the caller leaves. Nothing is read
// ahead of the send: a watcher that stops reading holds one message of the memory budget, and the
// send timeout ends it (Unavailable with the token of the last change it was sent).
func watchChanges[M proto.Message](ctx context.Context, s *ChangeService, since string,
	change func(ctx context.Context, conn string, e changes.Event, token string) (M, bool, error),
	heartbeat func(token string) M, send func(M) error,
) error {
	conn, err := s.logs.Name(ctx, connectionOf(ctx))
	if err != nil {
		return connect.NewError(connect.CodeUnavailable, "the default Maton connection could not be resolved (listing the connections failed); retry, or send the Maton-Connection header")
	}
	var pos uint64
	if since != "" {
		if pos, err = decodeChangeToken(since, conn); err != nil {
			return err
		}
	}
	_, head, err := s.log.Read(ctx, conn, pos, 0)
	if err != nil {
		return changeLogError(err, conn, head)
	}
	if since == "" {
		pos = head
	}
	limits := streamLimitsFrom(ctx)
	// Nothing runs ahead of the send, so a stalled caller leaves nothing to stop.
	sends := limits.watchSends(ctx, encodeChangeToken(conn, pos), func() {})
	idle := time.NewTimer(s.heartbeat)
	defer idle.Stop()
	beat := func() error {
		token := encodeChangeToken(conn, pos)
		idle.Reset(s.heartbeat)
		return sendWithin(ctx, limits, sends, heartbeat(token), token, send)
	}
	if err := beat(); err != nil {
		return err
	}
	notifier, _ := s.log.(changes.Notifier)
	for {
		var wake <-chan struct{}
		var poll <-chan time.Time
		if notifier != nil {
			wake = notifier.Changed(conn) // before the read, so a change during it is not lost
		} else {
			poll = time.After(changePoll)
		}
		entries, head, err := s.log.Read(ctx, conn, pos, changeReadBatch)
		if err != nil {
			return changeLogError(err, conn, head)
		}
		for _, en := range entries {
			token := encodeChangeToken(conn, en.Pos)
			msg, keep, err := change(ctx, conn, en.Event, token)
			if err != nil {
				return upstreamError(err)
			}
			pos = en.Pos
			if keep {
				idle.Reset(s.heartbeat)
				if err := sendWithin(ctx, limits, sends, msg, token, send); err != nil {
					return err
				}
			}
		}
		if len(entries) == changeReadBatch {
			continue
		}
		select {
		case <-ctx.Done():
			if context.Cause(ctx) == context.Canceled {
				return nil // the caller left: a watch has no other end (a drain keeps its Unavailable)
			}
			return ctx.Err()
		case <-wake:
		case <-poll:
		case <-idle.C:
			if err := beat(); err != nil {
				return err
			}
		}
	}
}

// changeLogError maps a change log error: a position the log no longer holds is the caller's to
// recover from (re-snapshot), anything else is the log's (Redis unreachable: watch again).
func changeLogError(err error, conn string, head uint64) error {
	if errors.Is(err, changes.ErrGone) {
		return withDetail(connect.NewError(connect.CodeFailedPrecondition,
			"resume_token is older than the change log keeps (the watcher fell too far behind, or the facade's change log was reset): "+
				"changes after it are lost; watch from the change_token in this error's ErrorInfo metadata and re-snapshot through ExportRecords or ExportEntries (docs/changes.md)"),
			&errdetails.ErrorInfo{Reason: ReasonChangeTokenExpired, Domain: domainFacade, Metadata: map[string]string{ChangeTokenKey: encodeChangeToken(conn, head)}})
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return upstreamError(err)
	}
	return connect.NewError(connect.CodeUnavailable, "the change log is unavailable; watch again from your last change_token").WithCause(err)
}
