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

// toldState is what the last change of the log's window about a record told watchers.
type toldState struct {
	objectID string
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
			if !strings.HasPrefix(ev.Type, "record.") || ev.IDs["record_id"] == "" {
				continue
			}
			s := toldState{objectID: ev.IDs["object_id"]}
			switch {
			case ev.Type == "record.deleted":
				s.known = true
			case ev.Reconciled && len(ev.Record) > 0:
				s.known, s.present, s.fp = true, true, fingerprint(ev.Record)
			}
			out[ev.IDs["record_id"]] = s
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

func (m *emitter) emit(ctx context.Context, typ, ws, objectID, id string, b []byte) error {
	switch typ {
	case "record.created":
		m.st.Created++
	case "record.updated":
		m.st.Updated++
	default:
		m.st.Deleted++
	}
	m.pending = append(m.pending, Event{
		// Unique per pass and record on this replica (the head grows past every change a pass
		// records), and the same for two replicas that read the same log and the same record.
		ID:   changeID(m.conn, "reconcile:"+typ+":"+id+":"+strconv.FormatUint(fingerprint(b), 16)+":"+strconv.FormatUint(m.head, 10), 0),
		Type: typ,
		IDs:  map[string]string{"workspace_id": ws, "object_id": objectID, "record_id": id},
		// Attio's events carry no time and the walk cannot tell when the change happened.
		Extra: map[string]string{}, Actor: Actor{Type: "system"}, Received: m.r.o.Now(), Reconciled: true,
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

// record decides whether watchers may hold something else than rec (fingerprint fp, bytes b),
// and tells them rec if so.
func (m *emitter) record(ctx context.Context, obj reconciledObject, rec *attiov1.Record, fp uint64, b []byte, before *objectSnapshot, told map[string]toldState) error {
	id := rec.GetId().GetRecordId()
	last, had := before.records[id]
	holds := had // watchers hold the record (with fingerprint last) as far as the snapshot says
	if t, ok := told[id]; ok {
		switch {
		case !t.known:
			m.st.Reported++
			return m.emit(ctx, "record.updated", rec.GetId().GetWorkspaceId(), obj.id, id, b)
		case !t.present:
			holds = false
		default:
			holds, last = true, t.fp
		}
	}
	switch {
	case !holds:
		return m.emit(ctx, "record.created", rec.GetId().GetWorkspaceId(), obj.id, id, b)
	case last != fp:
		return m.emit(ctx, "record.updated", rec.GetId().GetWorkspaceId(), obj.id, id, b)
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
		if err := m.emit(ctx, "record.deleted", ws, obj.id, id, nil); err != nil {
			return err
		}
	}
	for id, t := range told {
		_, had := before.records[id]
		_, found := now.records[id]
		if had || found || t.objectID != obj.id || (t.known && !t.present) {
			continue
		}
		if err := m.emit(ctx, "record.deleted", ws, obj.id, id, nil); err != nil {
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
	sorts := []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}}
	var cursor time.Time // created_at of the last record taken (zero before the first page)
	offset := 0
	for {
		q := attio.Query{Sorts: sorts, Limit: reconcilePageSize, Offset: offset}
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
		page, err := r.o.Client.QueryRecordMessages(ctx, obj.slug, q)
		if err != nil {
			return nil, err
		}
		allTied := len(page.Items) > 0
		for _, rec := range page.Items {
			created := rec.GetCreatedAt().AsTime()
			if rec.GetCreatedAt() == nil {
				return nil, fmt.Errorf("record %s has no created_at", rec.GetId().GetRecordId())
			}
			if !created.Equal(cursor) {
				allTied = false
			}
			id := rec.GetId().GetRecordId()
			if _, seen := snap.records[id]; seen {
				continue // the boundary of the last page, asked for again by $gte
			}
			if len(snap.records) >= room {
				return nil, fmt.Errorf("more records than --reconcile-max-records leaves room for (%d)", room)
			}
			snap.workspaceID = rec.GetId().GetWorkspaceId()
			b, err := recordBytes(rec)
			if err != nil {
				return nil, err
			}
			fp := fingerprint(b)
			snap.records[id] = fp
			if before != nil {
				if err := out.record(ctx, obj, rec, fp, b, before, told); err != nil {
					return nil, err
				}
			}
		}
		if len(page.Items) < reconcilePageSize {
			return snap, nil
		}
		last := page.Items[len(page.Items)-1].GetCreatedAt().AsTime()
		if allTied && last.Equal(cursor) {
			offset += len(page.Items) // a run of one created_at longer than a page
			continue
		}
		cursor, offset = last, 0
	}
}

// recordBytes is the record as a reconciled change carries it, the same bytes for the same record.
func recordBytes(rec *attiov1.Record) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(rec)
}

// fingerprint hashes a record's bytes (recordBytes).
func fingerprint(b []byte) uint64 {
	sum := sha256.Sum256(b)
	return binary.BigEndian.Uint64(sum[:8])
}
