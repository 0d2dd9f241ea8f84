package changes

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Defaults of ReconcileOptions.
const (
	DefaultReconcileInterval = 10 * time.Minute
	// DefaultReconcileShare is the share of the read budget a pass may use.
	DefaultReconcileShare = 0.1
	// DefaultReconcileMaxRecords bounds the records one connection's snapshot holds (some 50 bytes
	// each); an object that would pass it is not reconciled, and the pass says so.
	DefaultReconcileMaxRecords = 200_000
	reconcilePageSize          = 500
	// logChunk is how many log entries a pass reads at once to learn what webhooks reported.
	logChunk = 1000
)

// ReconcileOptions configures a Reconciler.
type ReconcileOptions struct {
	Client *attio.Client
	Log    Log
	// Connections lists the connections to reconcile ("" is the default one), on every pass.
	Connections func(ctx context.Context) ([]string, error)
	// Objects to walk (slugs); empty: every object of the workspace.
	Objects []string
	// RequestsPerSecond paces the pass's page requests (the budget share); 0: no pacing beyond
	// the client's. They go at the bulk priority of the shared budget either way.
	RequestsPerSecond float64
	// MaxRecords bounds one connection's snapshot; default DefaultReconcileMaxRecords.
	MaxRecords int
	// Now stamps reconciled changes; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Reconciler finds record changes webhooks did not report (lost deliveries, deletes
// especially): each pass walks every record of each object in created_at order (a keyset walk, at
// the bulk priority) and compares each record's values with the snapshot of the last pass. A
// record new, changed or gone since then is appended to the change log as a change marked
// Reconciled, unless a webhook event for that record reached the log in the meantime. The first
// pass of a connection only takes the snapshot.
type Reconciler struct {
	o       ReconcileOptions
	limiter *rate.Limiter

	mu    sync.Mutex // one pass at a time
	conns map[string]*connSnapshot
}

type connSnapshot struct {
	logPos  uint64
	objects map[string]*objectSnapshot // by object slug
}

type objectSnapshot struct {
	workspaceID, objectID string
	records               map[string]uint64 // record id -> fingerprint of its values
}

// ReconcileStats is what one pass did.
type ReconcileStats struct {
	Records, Created, Updated, Deleted, Reported int
}

// NewReconciler checks the options.
func NewReconciler(o ReconcileOptions) (*Reconciler, error) {
	if o.Client == nil || o.Log == nil || o.Connections == nil {
		return nil, errors.New("changes: a Reconciler needs a client, a log and a connection list")
	}
	if o.MaxRecords <= 0 {
		o.MaxRecords = DefaultReconcileMaxRecords
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	r := &Reconciler{o: o, conns: map[string]*connSnapshot{}}
	if o.RequestsPerSecond > 0 {
		r.limiter = rate.NewLimiter(rate.Limit(o.RequestsPerSecond), 1)
	}
	return r, nil
}

// Run passes at once and then every interval until ctx ends.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		st, err := r.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			r.o.Logger.Warn("reconciliation pass incomplete", "err", err)
		}
		r.o.Logger.Debug("reconciliation pass", "records", st.Records, "created", st.Created, "updated", st.Updated, "deleted", st.Deleted, "reported_by_webhooks", st.Reported)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass reconciles every connection once.
func (r *Reconciler) Pass(ctx context.Context) (ReconcileStats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var st ReconcileStats
	conns, err := r.o.Connections(ctx)
	if err != nil {
		return st, fmt.Errorf("listing connections: %w", err)
	}
	var errs []error
	for _, conn := range conns {
		cctx := attio.WithPriority(attio.WithConnection(ctx, conn), attio.PriorityBulk)
		if err := r.passOne(cctx, ConnectionName(conn), &st); err != nil {
			errs = append(errs, fmt.Errorf("connection %q: %w", ConnectionName(conn), err))
		}
	}
	return st, errors.Join(errs...)
}

func (r *Reconciler) passOne(ctx context.Context, name string, st *ReconcileStats) error {
	snap := r.conns[name]
	first := snap == nil
	if first {
		snap = &connSnapshot{objects: map[string]*objectSnapshot{}}
	}
	// Walk first, then read what webhooks reported: a change whose event arrives during the walk
	// is then not emitted again.
	objects := r.o.Objects
	if len(objects) == 0 {
		all, err := r.o.Client.ListObjects(ctx)
		if err != nil {
			return fmt.Errorf("listing objects: %w", err)
		}
		for _, o := range all {
			if o.APISlug != nil {
				objects = append(objects, *o.APISlug)
			}
		}
	}
	walked := map[string]*objectSnapshot{}
	total := 0
	var errs []error
	for _, obj := range objects {
		now, err := r.walk(ctx, obj, r.o.MaxRecords-total)
		if err != nil {
			errs = append(errs, fmt.Errorf("object %s: %w", obj, err))
			continue
		}
		walked[obj] = now
		total += len(now.records)
	}
	st.Records += total
	reported, err := r.reported(ctx, name, snap, first)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if !first {
		var events []Event
		for obj, now := range walked {
			if before := snap.objects[obj]; before != nil {
				events = append(events, r.diff(name, before, now, reported, st)...)
			}
		}
		if len(events) > 0 {
			key := "reconcile:" + strconv.FormatInt(r.o.Now().UnixNano(), 10)
			if _, err := r.o.Log.Record(ctx, name, key, events); err != nil {
				return errors.Join(append(errs, fmt.Errorf("recording reconciled changes: %w", err))...)
			}
		}
	}
	for obj, now := range walked {
		snap.objects[obj] = now
	}
	r.conns[name] = snap
	return errors.Join(errs...)
}

// reported reads the log since the last pass: the records webhook events named. On the first
// pass, or when the log no longer has the position, it only moves to the head.
func (r *Reconciler) reported(ctx context.Context, name string, snap *connSnapshot, first bool) (map[string]bool, error) {
	out := map[string]bool{}
	if first {
		_, head, err := r.o.Log.Read(ctx, name, 0, 0)
		if errors.Is(err, ErrGone) {
			err = nil
		}
		snap.logPos = head
		return out, err
	}
	for {
		es, head, err := r.o.Log.Read(ctx, name, snap.logPos, logChunk)
		if errors.Is(err, ErrGone) {
			// Fell behind the log: events are missing, so nothing counts as reported.
			snap.logPos = head
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the change log: %w", err)
		}
		for _, e := range es {
			if !e.Event.Reconciled {
				out[e.Event.IDs["record_id"]] = true
				if d := e.Event.Extra["duplicate_record_id"]; d != "" {
					out[d] = true
				}
			}
			snap.logPos = e.Pos
		}
		if len(es) == 0 || snap.logPos >= head {
			return out, nil
		}
	}
}

// diff emits the reconciled changes between two snapshots of one object.
func (r *Reconciler) diff(conn string, before, now *objectSnapshot, reported map[string]bool, st *ReconcileStats) []Event {
	var out []Event
	emit := func(typ, id string, fp uint64) {
		if reported[id] {
			st.Reported++
			return
		}
		switch typ {
		case "record.created":
			st.Created++
		case "record.updated":
			st.Updated++
		default:
			st.Deleted++
		}
		out = append(out, Event{
			// Stable for this change: the same record reaching the same values again is another change
			// only after another in between, which a later pass sees with another snapshot.
			ID:   changeID(conn, "reconcile:"+typ+":"+id+":"+strconv.FormatUint(fp, 16), 0),
			Type: typ,
			IDs:  map[string]string{"workspace_id": now.workspaceID, "object_id": now.objectID, "record_id": id},
			// Attio's events carry no time and the walk cannot tell when the change happened.
			Extra: map[string]string{}, Actor: Actor{Type: "system"}, Received: r.o.Now(), Reconciled: true,
		})
	}
	for id, fp := range now.records {
		switch old, ok := before.records[id]; {
		case !ok:
			emit("record.created", id, fp)
		case old != fp:
			emit("record.updated", id, fp)
		}
	}
	for id := range before.records {
		if _, ok := now.records[id]; !ok {
			emit("record.deleted", id, 0)
		}
	}
	return out
}

// walk reads every record of object in created_at order: a keyset on created_at, with an offset
// only inside a run of records sharing one created_at longer than a page.
func (r *Reconciler) walk(ctx context.Context, object string, room int) (*objectSnapshot, error) {
	snap := &objectSnapshot{records: map[string]uint64{}}
	sorts := []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}}
	var cursor string // created_at of the last record taken ("" before the first page)
	offset := 0
	for {
		q := attio.Query{Sorts: sorts, Limit: reconcilePageSize, Offset: offset}
		if cursor != "" {
			t, err := time.Parse(time.RFC3339Nano, cursor)
			if err != nil {
				return nil, fmt.Errorf("a record without a readable created_at (%q)", cursor)
			}
			if q.Filter, err = attio.CompareTime("created_at", attiov1.FilterOperator_FILTER_OPERATOR_GTE, t); err != nil {
				return nil, err
			}
		}
		if r.limiter != nil {
			if err := r.limiter.Wait(ctx); err != nil {
				return nil, err
			}
		}
		page, err := r.o.Client.QueryRecordsPage(ctx, object, q)
		if err != nil {
			return nil, err
		}
		allTied := len(page.Items) > 0
		for _, rec := range page.Items {
			snap.workspaceID, snap.objectID = rec.ID.WorkspaceID, rec.ID.ObjectID
			if rec.CreatedAt != cursor {
				allTied = false
			}
			if _, seen := snap.records[rec.ID.RecordID]; seen {
				continue // the boundary of the last page, asked for again by $gte
			}
			if len(snap.records) >= room {
				return nil, fmt.Errorf("more records than --reconcile-max-records leaves room for (%d)", room)
			}
			snap.records[rec.ID.RecordID] = fingerprint(rec)
		}
		if len(page.Items) < reconcilePageSize {
			return snap, nil
		}
		last := page.Items[len(page.Items)-1].CreatedAt
		if allTied && last == cursor {
			offset += len(page.Items) // a run of one created_at longer than a page
			continue
		}
		cursor, offset = last, 0
	}
}

// fingerprint hashes a record's values (as Attio answered them).
func fingerprint(rec attio.Record) uint64 {
	b, _ := json.Marshal(rec.Values)
	sum := sha256.Sum256(b)
	return binary.BigEndian.Uint64(sum[:8])
}
