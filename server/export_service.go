package server

import (
	"context"
	"math"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ExportService serves attio.v1.ExportService: whole objects and lists, streamed at the upstream
// budget's ceiling, consistent under concurrent writes, resumable from any batch.
//
// How: the created_at key space is split into disjoint ranges walked in parallel, each with a
// keyset cursor (filter created_at >= cursor and < range end, sorted by created_at), never with
// offsets. Several page requests are kept in flight (parallelism), all at bulk priority, so the
// client's limiter lets the export fill the budget while leaving its interactive reserve to unary
// calls. Ranges are split further whenever a fetcher would otherwise idle. Every batch carries a
// resume token holding the complete walk state (per range: bounds, cursor, the ids already
// delivered at the cursor's timestamp), bound to the request; nothing is kept on the server.
//
// Guarantees, for items matching the request's filter:
//   - An item that exists for the whole export (from the call's start to its end, across resumes)
//     is delivered exactly once.
//   - An item created during the export is delivered at most once (it is delivered when its
//     created_at falls in a part of the key space not yet walked, which is always the case for the
//     newest part, the open-ended last range).
//   - An item deleted during the export is delivered at most once (once if the walk reached it
//     before the deletion).
//   - An item updated during the export is delivered exactly once, with either its old or its new
//     values. An update that makes an item start or stop matching the filter counts as a creation
//     or a deletion.
//   - Within a batch items are in created_at order; across batches ranges interleave, so the
//     stream as a whole is not ordered.
//
// Items sharing one exact created_at (bulk imports), more than a page of them, are walked in id
// order with an id cursor and offsets only as hints (see exportRange.advanceTie), so the above
// holds at every page size; such a group of n items costs ceil(n/pageSize)+1 requests.
type ExportService struct {
	client *attio.Client
	opts   ExportOptions
}

var _ attiov1connect.ExportServiceHandler = (*ExportService)(nil)

// ExportOptions tunes ExportService. The zero value suits the Maton gateway.
type ExportOptions struct {
	// RequestsPerSecond is the upstream budget the client is configured with (Maton: 10, direct
	// Attio: 100 reads/s). It picks the default parallelism: enough requests in flight to keep
	// the budget busy at a few hundred milliseconds of upstream latency. Default 10.
	RequestsPerSecond float64
	// Parallelism, if set, replaces the default derived from RequestsPerSecond.
	Parallelism int
	// ProgressInterval is the time between progress messages. Default 1s.
	ProgressInterval time.Duration
}

// NewExportService returns an ExportService calling Attio through client. Install
// ExportObserver as the client's observer so progress reports upstream requests and 429s.
func NewExportService(client *attio.Client, opts ExportOptions) *ExportService {
	if opts.RequestsPerSecond <= 0 {
		opts.RequestsPerSecond = 10
	}
	if opts.Parallelism <= 0 {
		// Little's law at ~600 ms per request (upstream latency plus decoding a 500-record page on
		// a busy host), plus two for slack; capped so a fast budget does not hold too many pages.
		opts.Parallelism = min(int(math.Ceil(opts.RequestsPerSecond*0.6))+2, 32)
	}
	opts.Parallelism = min(max(opts.Parallelism, 2), 64)
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = time.Second
	}
	return &ExportService{client: client, opts: opts}
}

// parallelism is how many pages the export keeps in flight, and the budget to pace them by (0:
// keep them all busy). The server's figure is the maximum: the default derived from the upstream
// budget, lowered so that one export's fetches take at most 1/exportMemoryShare of the memory
// budget (and no more than the caller's share of it) and to the fetch gate's slots. The request can
// only lower it further.
func (s *ExportService) parallelism(limits *StreamLimits, weigher pageWeigher, req int32, pageSize int) (int, float64) {
	estimate := weigher.estimate(pageSize)
	byMemory := int(min(limits.mem.total/exportMemoryShare, limits.mem.perCaller) / estimate)
	most := max(1, min(s.opts.Parallelism, byMemory, limits.fetches.slots))
	if req > 0 && int(req) < most {
		return int(req), 0
	}
	return most, s.opts.RequestsPerSecond
}

// exportMemoryShare: the share of the memory budget one export's fetches may take. The whole: the
// budget bounds bytes, and every page waits for its bytes in one fair queue (streams and other
// exports included), so an export cannot starve them, only share with them.
const exportMemoryShare = 1

// exportUnbound are the export request's fields a resume may change: the token and the
// parallelism (the page size stays bound: it shapes the walk's positions).
var exportUnbound = []protoreflect.Name{"resume_token", "parallelism"}

// newExportWalk does what both exports share: bind the resume token to the request (without its
// token and parallelism), translate the filter and size the walk. The caller adds what to fetch
// and where batches go.
func newExportWalk[T, M any](ctx context.Context, s *ExportService, procedure string, req proto.Message,
	token string, filter *attiov1.Filter, size, parallelism int32,
) (*exportWalk[T, M], *exportToken, error) {
	st, err := decodeExportToken(token, queryDigest(procedure, connectionOf(ctx), req, exportUnbound...))
	if err != nil {
		return nil, nil, err
	}
	f, err := queryFilter(filter)
	if err != nil {
		return nil, nil, err
	}
	page := pageSize(size, defaultRecordPage)
	weigher := newPageWeigher[T]()
	par, rps := s.parallelism(streamLimitsFrom(ctx), weigher, parallelism, page)
	return &exportWalk[T, M]{
		weigher:     weigher,
		filter:      f,
		pageSize:    page,
		parallelism: par,
		rps:         rps,
		interval:    s.opts.ProgressInterval,
	}, st, nil
}

// ExportRecords streams every record of an object (matching the filter), in the view asked for.
func (s *ExportService) ExportRecords(ctx context.Context, req *attiov1.ExportRecordsRequest, stream attiov1connect.ExportServiceExportRecordsServerStream) error {
	object := req.GetObject()
	tieSorts := []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}}
	sendProg := func(p *attiov1.ExportProgress) error {
		return stream.Send(&attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Progress{Progress: p}})
	}
	sendBatch := func(b *attiov1.RecordBatch) error {
		return stream.Send(&attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{Batch: b}})
	}
	if req.GetView() == attiov1.View_VIEW_ATTIO_JSON {
		w, st, err := newExportWalk[attio.RawItem, []byte](ctx, s, attiov1connect.ExportServiceExportRecordsProcedure, req,
			req.GetResumeToken(), req.GetFilter(), req.GetPageSize(), req.GetParallelism())
		if err != nil {
			return err
		}
		w.fetch = func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
			return s.client.QueryRecordsJSON(ctx, object, q)
		}
		w.key, w.convert, w.tieSorts, w.sendProg = rawKey, rawJSON, tieSorts, sendProg
		w.sendBatch = func(items [][]byte, token string) error {
			return sendBatch(&attiov1.RecordBatch{AttioJson: items, ResumeToken: token})
		}
		return w.run(bulk(ctx), st)
	}
	w, st, err := newExportWalk[*attiov1.Record, *attiov1.Record](ctx, s, attiov1connect.ExportServiceExportRecordsProcedure, req,
		req.GetResumeToken(), req.GetFilter(), req.GetPageSize(), req.GetParallelism())
	if err != nil {
		return err
	}
	w.fetch = func(ctx context.Context, q attio.Query) (attio.Page[*attiov1.Record], error) {
		return s.client.QueryRecordMessages(ctx, object, q)
	}
	w.key = func(r **attiov1.Record) (string, int64, bool) {
		return (*r).GetId().GetRecordId(), tsNanos((*r).GetCreatedAt()), (*r).GetCreatedAt() != nil
	}
	w.convert, w.tieSorts, w.sendProg = same[*attiov1.Record], tieSorts, sendProg
	w.sendBatch = func(items []*attiov1.Record, token string) error {
		return sendBatch(&attiov1.RecordBatch{Records: items, ResumeToken: token})
	}
	return w.run(bulk(ctx), st)
}

// ExportEntries streams every entry of a list (matching the filter), keyed on the entries' own
// created_at, in the view asked for.
func (s *ExportService) ExportEntries(ctx context.Context, req *attiov1.ExportEntriesRequest, stream attiov1connect.ExportServiceExportEntriesServerStream) error {
	list := req.GetList()
	sendProg := func(p *attiov1.ExportProgress) error {
		return stream.Send(&attiov1.ExportEntriesResponse{Message: &attiov1.ExportEntriesResponse_Progress{Progress: p}})
	}
	sendBatch := func(b *attiov1.EntryBatch) error {
		return stream.Send(&attiov1.ExportEntriesResponse{Message: &attiov1.ExportEntriesResponse_Batch{Batch: b}})
	}
	if req.GetView() == attiov1.View_VIEW_ATTIO_JSON {
		w, st, err := newExportWalk[attio.RawItem, []byte](ctx, s, attiov1connect.ExportServiceExportEntriesProcedure, req,
			req.GetResumeToken(), req.GetFilter(), req.GetPageSize(), req.GetParallelism())
		if err != nil {
			return err
		}
		w.fetch = func(ctx context.Context, q attio.Query) (attio.Page[attio.RawItem], error) {
			return s.client.QueryEntriesJSON(ctx, list, q)
		}
		w.key, w.convert, w.sendProg = rawKey, rawJSON, sendProg
		w.sendBatch = func(items [][]byte, token string) error {
			return sendBatch(&attiov1.EntryBatch{AttioJson: items, ResumeToken: token})
		}
		return w.run(bulk(ctx), st)
	}
	w, st, err := newExportWalk[*attiov1.Entry, *attiov1.Entry](ctx, s, attiov1connect.ExportServiceExportEntriesProcedure, req,
		req.GetResumeToken(), req.GetFilter(), req.GetPageSize(), req.GetParallelism())
	if err != nil {
		return err
	}
	w.fetch = func(ctx context.Context, q attio.Query) (attio.Page[*attiov1.Entry], error) {
		return s.client.QueryEntryMessages(ctx, list, q)
	}
	w.key = func(e **attiov1.Entry) (string, int64, bool) {
		return (*e).GetId().GetEntryId(), tsNanos((*e).GetCreatedAt()), (*e).GetCreatedAt() != nil
	}
	w.convert, w.sendProg = same[*attiov1.Entry], sendProg
	w.sendBatch = func(items []*attiov1.Entry, token string) error {
		return sendBatch(&attiov1.EntryBatch{Entries: items, ResumeToken: token})
	}
	return w.run(bulk(ctx), st)
}

// same hands a page of messages on: the client already decoded them.
func same[M any](items []M) []M { return items }

// rawKey places an item of the ATTIO_JSON view in the key space.
func rawKey(it *attio.RawItem) (string, int64, bool) {
	ts, ok := parseTS(it.CreatedAt)
	return it.ID, ts, ok
}

// tsNanos is a created_at as Unix nanoseconds, the export's key.
func tsNanos(t *timestamppb.Timestamp) int64 { return t.GetSeconds()*1e9 + int64(t.GetNanos()) }
