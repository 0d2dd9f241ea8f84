package changes

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/attio-facade/attio-facade/attio"
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
	// Lists whose entries to walk (slugs or ids); empty: every list of the workspace.
	Lists []string
	// RequestsPerSecond paces the pass's page requests (the budget share); 0: no pacing beyond
	// the client's. They go at the bulk priority of the shared budget either way.
	RequestsPerSecond float64
	// MaxRecords bounds one connection's snapshot (records and entries together); default
	// DefaultReconcileMaxRecords.
	MaxRecords int
	// Now stamps reconciled changes; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Reconciler finds record and list entry changes webhooks did not report (lost deliveries, deletes
// especially): each pass reads what the change log told watchers since the last pass, then walks
// every record of each object in created_at order (a keyset walk, at the bulk priority) and tells
// watchers, as changes marked Reconciled that carry the record as read, every record whose state
// they may not hold: new, changed or gone since the snapshot of the last pass, or named by a
// webhook since then (watchers fetched that record when they read the change, maybe before a write
// whose delivery was lost). The snapshot thus holds what watchers hold. The first pass of a
// connection only takes the snapshot.
type Reconciler struct {
	o       ReconcileOptions
	limiter *rate.Limiter

	mu        sync.Mutex // one pass at a time
	conns     map[string]*connSnapshot
	objectIDs map[string]string // list id + object slug -> object id, for entries' parents, one pass
}

type connSnapshot struct {
	logPos  uint64
	objects map[string]*objectSnapshot // by reconciledObject.key
}

// objectSnapshot is, per record (entry) of an object (list), the fingerprint of what watchers hold after the pass that took
// it: the pass told them every record whose state they might not hold.
type objectSnapshot struct {
	workspaceID, objectID string
	records               map[string]uint64 // record (entry) id -> fingerprint (recordBytes)
}

// ReconcileStats is what one pass did: the records walked, the reconciled changes it recorded by
// kind, and, among the updates, those of records a webhook had named since the last pass (told
// again because what watchers fetched for the webhook's change is not known).
type ReconcileStats struct {
	// Records and Entries walked; Created, Updated, Deleted and Reported count both.
	Records, Entries, Created, Updated, Deleted, Reported int
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
	r := &Reconciler{o: o, conns: map[string]*connSnapshot{}, objectIDs: map[string]string{}}
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
		r.o.Logger.Debug("reconciliation pass", "records", st.Records, "entries", st.Entries, "created", st.Created, "updated", st.Updated, "deleted", st.Deleted, "reported_by_webhooks", st.Reported)
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
	// Asked again each pass (a slug may be renamed); it holds a workspace's objects per list.
	clear(r.objectIDs)
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
	// Read what the log told watchers since the last pass before walking: an event recorded during
	// the walk is then read by the next pass, which compares it with a walk made after it.
	told, head, err := r.told(ctx, name, snap.logPos, first)
	if err != nil {
		return err
	}
	objects, err := r.objects(ctx)
	if err != nil {
		return err
	}
	out := &emitter{r: r, conn: name, head: head, st: st}
	total := 0
	var errs []error
	for _, obj := range objects {
		// Without a snapshot of the object (the first pass, a new object) the walk only takes one.
		before := snap.objects[obj.key()]
		if first {
			before = nil
		}
		now, err := r.walk(ctx, obj, r.o.MaxRecords-total, before, told, out)
		if err == nil && before != nil {
			err = out.gone(ctx, obj, before, now, told)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", obj.noun(), obj.slug, err))
			continue
		}
		snap.objects[obj.key()] = now
		total += len(now.records)
		if obj.kind == kindEntry {
			st.Entries += len(now.records)
		} else {
			st.Records += len(now.records)
		}
	}
	if err := out.flush(ctx); err != nil {
		errs = append(errs, fmt.Errorf("recording reconciled changes: %w", err))
	}
	if len(errs) == 0 {
		// Only a complete pass moves on: otherwise the next one reads this window again (a record
		// a webhook named is then told once more, which at least once allows).
		snap.logPos = head
	}
	r.conns[name] = snap
	return errors.Join(errs...)
}

// Kinds of what a pass walks: the prefix of their event types.
const (
	kindRecord = "record"
	kindEntry  = "list-entry"
)

// reconciledObject is an object (kindRecord) or a list (kindEntry) to walk, with its id (a
// window's events name them by id).
type reconciledObject struct{ kind, slug, id string }

// key names the object's snapshot: objects and lists may share a slug.
func (o reconciledObject) key() string { return o.kind + ":" + o.slug }

func (o reconciledObject) noun() string {
	if o.kind == kindEntry {
		return "list"
	}
	return "object"
}

// objects are the objects, then the lists, to walk.
func (r *Reconciler) objects(ctx context.Context) ([]reconciledObject, error) {
	var out []reconciledObject
	if len(r.o.Objects) == 0 {
		all, err := r.o.Client.ListObjects(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing objects: %w", err)
		}
		for _, o := range all {
			if o.APISlug != nil {
				out = append(out, reconciledObject{kindRecord, *o.APISlug, o.ID.ObjectID})
			}
		}
	}
	for _, slug := range r.o.Objects {
		o, err := r.o.Client.GetObject(ctx, slug)
		if err != nil {
			return nil, fmt.Errorf("object %s: %w", slug, err)
		}
		out = append(out, reconciledObject{kindRecord, slug, o.ID.ObjectID})
	}
	if len(r.o.Lists) == 0 {
		all, err := r.o.Client.ListLists(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing lists: %w", err)
		}
		for _, l := range all {
			out = append(out, reconciledObject{kindEntry, cmp.Or(l.APISlug, l.ID.ListID), l.ID.ListID})
		}
	}
	for _, slug := range r.o.Lists {
		l, err := r.o.Client.GetList(ctx, slug)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", slug, err)
		}
		out = append(out, reconciledObject{kindEntry, slug, l.ID.ListID})
	}
	return out, nil
}
