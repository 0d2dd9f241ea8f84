package changes

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// emitChunk is how many reconciled changes a pass holds before it records them: a pass that finds
// many changes appends them as it goes instead of holding them all.
const emitChunk = 100

// toldState is what the last change of the log's window about a record (entry) told watchers.
type toldState struct {
	objectID string // the record's object id, or the entry's list id
	// known: the change says exactly what watchers hold, present with fingerprint fp (a reconciled
	// change, which carries the record it read) or gone (a delete). A webhook's created or updated
	// change is not known: watchers fetch the record when they read it, so what they hold depends
	// on when that was, and a later write whose delivery was lost may have come before or after.
	known, present bool
	fp             uint64
}

// told reads the log after position after: per record, what the last change about it told
// watchers. On the first pass, or when the log no longer holds the position, it only returns the
// head (the pass then compares with its snapshot alone).
func (r *Reconciler) told(ctx context.Context, name string, after uint64, first bool) (map[string]toldState, uint64, error) {
	out := map[string]toldState{}
	if first {
		_, head, err := r.o.Log.Read(ctx, name, 0, 0)
		if errors.Is(err, ErrGone) {
			err = nil
		}
		return out, head, err
	}
	for {
		es, head, err := r.o.Log.Read(ctx, name, after, logChunk)
		if errors.Is(err, ErrGone) {
			r.o.Logger.Warn("reconciliation fell behind the change log: this pass compares with its snapshot only", "connection", name)
			return out, head, nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("reading the change log: %w", err)
		}
		for _, e := range es {
			after = e.Pos
			ev := e.Event
			kind, _, _ := strings.Cut(ev.Type, ".")
			id, container := ev.IDs["record_id"], ev.IDs["object_id"]
			if kind == kindEntry {
				id, container = ev.IDs["entry_id"], ev.IDs["list_id"]
			} else if kind != kindRecord {
				continue
			}
			if id == "" {
				continue
			}
			s := toldState{objectID: container}
			switch {
			case ev.Type == kind+".deleted":
				s.known = true
			case ev.Reconciled && len(ev.Record) > 0:
				s.known, s.present, s.fp = true, true, fingerprint(ev.Record)
			}
			out[id] = s
			if d := ev.Extra["duplicate_record_id"]; d != "" && ev.Type == "record.merged" {
				out[d] = toldState{objectID: ev.Extra["duplicate_object_id"], known: true}
			}
		}
		if len(es) == 0 || after >= head {
			return out, after, nil
		}
	}
}

// emitter appends a pass's reconciled changes to the log, a chunk at a time.
type emitter struct {
	r       *Reconciler
	conn    string
	head    uint64 // the log position the pass read up to: part of each change's id
	st      *ReconcileStats
	pending []Event
	chunks  int
}

// emit tells watchers a reconciled change (what: created, updated or deleted) of the record or
// entry id of obj; it carries it (b) unless deleted, and an entry's parent (it) when read.
func (m *emitter) emit(ctx context.Context, what string, ws string, obj reconciledObject, id string, it *walkItem, b []byte) error {
	switch what {
	case "created":
		m.st.Created++
	case "updated":
		m.st.Updated++
	default:
		m.st.Deleted++
	}
	typ := obj.kind + "." + what
	ids := map[string]string{"workspace_id": ws, "object_id": obj.id, "record_id": id}
	extra := map[string]string{}
	if obj.kind == kindEntry {
		ids = map[string]string{"workspace_id": ws, "list_id": obj.id, "entry_id": id}
		if it != nil {
			extra["parent_record_id"] = it.parentRecord
			extra["parent_object_id"] = it.parentObject
		}
	}
	m.pending = append(m.pending, Event{
		// Unique per pass and record on this replica (the head grows past every change a pass
		// records), and the same for two replicas that read the same log and the same record.
		ID:   changeID(m.conn, "reconcile:"+typ+":"+id+":"+strconv.FormatUint(fingerprint(b), 16)+":"+strconv.FormatUint(m.head, 10), 0),
		Type: typ,
		IDs:  ids,
		// Attio's events carry no time and the walk cannot tell when the change happened.
		Extra: extra, Actor: Actor{Type: "system"}, Received: m.r.o.Now(), Reconciled: true,
		Record: b,
	})
	if len(m.pending) >= emitChunk {
		return m.flush(ctx)
	}
	return nil
}

func (m *emitter) flush(ctx context.Context) error {
	if len(m.pending) == 0 {
		return nil
	}
	m.chunks++
	key := "reconcile:" + strconv.FormatInt(m.r.o.Now().UnixNano(), 10) + ":" + strconv.Itoa(m.chunks)
	if _, err := m.r.o.Log.Record(ctx, m.conn, key, m.pending); err != nil {
		return err
	}
	m.pending = m.pending[:0]
	return nil
}

// record decides whether watchers may hold something else than it (fingerprint fp, bytes b),
// and tells them it if so.
func (m *emitter) record(ctx context.Context, obj reconciledObject, it *walkItem, fp uint64, b []byte, before *objectSnapshot, told map[string]toldState) error {
	id := it.id
	last, had := before.records[id]
	holds := had // watchers hold the record (with fingerprint last) as far as the snapshot says
	if t, ok := told[id]; ok {
		switch {
		case !t.known:
			m.st.Reported++
			return m.emit(ctx, "updated", it.ws, obj, id, it, b)
		case !t.present:
			holds = false
		default:
			holds, last = true, t.fp
		}
	}
	switch {
	case !holds:
		return m.emit(ctx, "created", it.ws, obj, id, it, b)
	case last != fp:
		return m.emit(ctx, "updated", it.ws, obj, id, it, b)
	}
	return nil
}

// gone tells watchers the deletes of records they may hold that the walk did not find: in the
// snapshot, or told present (or fetched) by the log's window.
func (m *emitter) gone(ctx context.Context, obj reconciledObject, before, now *objectSnapshot, told map[string]toldState) error {
	ws := cmp.Or(now.workspaceID, before.workspaceID)
	for id := range before.records {
		if _, ok := now.records[id]; ok {
			continue
		}
		if t, ok := told[id]; ok && t.known && !t.present {
			continue // the log told the delete already
		}
		if err := m.emit(ctx, "deleted", ws, obj, id, nil, nil); err != nil {
			return err
		}
	}
	for id, t := range told {
		_, had := before.records[id]
		_, found := now.records[id]
		if had || found || t.objectID != obj.id || (t.known && !t.present) {
			continue
		}
		if err := m.emit(ctx, "deleted", ws, obj, id, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// walk reads every record of object in created_at order: a keyset on created_at, with an offset
// only inside a run of records sharing one created_at longer than a page. With a snapshot before
// it, it tells watchers every record they may hold otherwise (record).
func (r *Reconciler) walk(ctx context.Context, obj reconciledObject, room int, before *objectSnapshot, told map[string]toldState, out *emitter) (*objectSnapshot, error) {
	snap := &objectSnapshot{objectID: obj.id, records: map[string]uint64{}}
	if before != nil {
		snap.workspaceID = before.workspaceID
	}
	var cursor time.Time // created_at of the last record taken (zero before the first page)
	offset := 0
	for {
		q := attio.Query{Sorts: obj.sorts(), Limit: reconcilePageSize, Offset: offset}
		if !cursor.IsZero() {
			var err error
			if q.Filter, err = attio.CompareTime("created_at", attiov1.FilterOperator_FILTER_OPERATOR_GTE, cursor); err != nil {
				return nil, err
			}
		}
		if r.limiter != nil {
			if err := r.limiter.Wait(ctx); err != nil {
				return nil, err
			}
		}
		items, err := r.page(ctx, obj, q)
		if err != nil {
			return nil, err
		}
		allTied := len(items) > 0
		for i := range items {
			it := &items[i]
			if it.created == nil {
				return nil, fmt.Errorf("%s %s has no created_at", obj.kind, it.id)
			}
			if !it.created.AsTime().Equal(cursor) {
				allTied = false
			}
			id := it.id
			if _, seen := snap.records[id]; seen {
				continue // the boundary of the last page, asked for again by $gte
			}
			if len(snap.records) >= room {
				return nil, fmt.Errorf("more records than --reconcile-max-records leaves room for (%d)", room)
			}
			snap.workspaceID = it.ws
			b, err := recordBytes(it.msg)
			if err != nil {
				return nil, err
			}
			fp := fingerprint(b)
			snap.records[id] = fp
			if before != nil {
				if err := out.record(ctx, obj, it, fp, b, before, told); err != nil {
					return nil, err
				}
			}
		}
		if len(items) < reconcilePageSize {
			return snap, nil
		}
		last := items[len(items)-1].created.AsTime()
		if allTied && last.Equal(cursor) {
			offset += len(items) // a run of one created_at longer than a page
			continue
		}
		cursor, offset = last, 0
	}
}

// recordBytes is the record (entry) as a reconciled change carries it, the same bytes for the
// same record.
func recordBytes(rec proto.Message) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(rec)
}

// fingerprint hashes a record's bytes (recordBytes).
func fingerprint(b []byte) uint64 {
	sum := sha256.Sum256(b)
	return binary.BigEndian.Uint64(sum[:8])
}
