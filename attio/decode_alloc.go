package attio

import (
	"cmp"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// slab hands out pointers into chunks of T: a page has tens of thousands of small messages of a
// few types, and one allocation per chunk instead of per message is most of the decoder's
// allocation cost. The messages of a page live and die together, so a chunk kept alive by one
// of them wastes little. Chunks start small and double up to slabChunk: a single record (a unary
// GetRecord) needs a few dozen messages, and full-size chunks of every type cost it 120 KB of
// allocation for a 15 KB record (TestDecodeRecordAllocatesForItsSize).
type slab[T any] struct {
	buf   []T
	next  int // size of the next chunk
	limit int // the largest chunk; 0 is slabChunk
}

const (
	slabFirst = 1
	slabChunk = 256
)

func (s *slab[T]) new() *T {
	if len(s.buf) == 0 {
		s.next = min(max(2*s.next, slabFirst), cmp.Or(s.limit, slabChunk))
		s.buf = make([]T, s.next)
	}
	p := &s.buf[0]
	s.buf = s.buf[1:]
	return p
}

// box is a oneof wrapper and the message it points to, allocated together: one slot of one
// chunk instead of two allocations per value.
type box[W, M any] struct {
	w W
	m M
}

// allocs are the decoder's slabs, one per frequent message type, and one per value type for its
// oneof wrapper (and message): a value costs no allocation of its own.
type allocs struct {
	values slab[attiov1.Value]
	lists  slab[attiov1.ValueList]
	actors slab[attiov1.ActorReference]
	times  slab[timestamppb.Timestamp]
	strs   slab[string]
	decs   slab[attiov1.Decimal]

	text  slab[vText]
	num   slab[vNum]
	check slab[vCheck]
	date  slab[vDate]
	ts    slab[vTime]
	rate  slab[vRate]
	stat  slab[vStat]
	sel   slab[vSel]
	cur   slab[box[vCur, attiov1.CurrencyValue]]
	ref   slab[box[vRef, refValue]]
	actor slab[box[vActor, actorValue]]
	loc   slab[box[vLoc, attiov1.LocationValue]]
	dom   slab[box[vDom, attiov1.DomainValue]]
	mail  slab[box[vMail, attiov1.EmailAddressValue]]
	phone slab[box[vPhone, attiov1.PhoneNumberValue]]
	name  slab[box[vName, attiov1.PersonalNameValue]]
	inter slab[box[vInter, attiov1.InteractionValue]]

	recs  slab[attiov1.Record]
	ids   slab[attiov1.RecordId]
	opts  slab[box[attiov1.SelectOption, attiov1.SelectOptionId]]
	stats slab[box[attiov1.Status, attiov1.StatusId]]

	ptrs      []*attiov1.Value // the chunk valueSlice hands out
	ptrsNext  int
	ptrsLimit int // the largest chunk; 0 is 4*slabChunk
}

// limitChunks caps the chunks of every slab at n messages (4n pointers). A decoder kept between
// calls (oneDecoders) hands out the rest of its chunks to the next calls' records, so that a
// record retained by its caller keeps alive at most a few chunks of n, not whole page-sized ones.
func (a *allocs) limitChunks(n int) {
	for _, l := range []*int{&a.values.limit, &a.lists.limit, &a.actors.limit, &a.times.limit, &a.strs.limit,
		&a.decs.limit, &a.text.limit, &a.num.limit, &a.check.limit, &a.date.limit, &a.ts.limit, &a.rate.limit,
		&a.stat.limit, &a.sel.limit, &a.cur.limit, &a.ref.limit, &a.actor.limit, &a.loc.limit, &a.dom.limit,
		&a.mail.limit, &a.phone.limit, &a.name.limit, &a.inter.limit, &a.recs.limit, &a.ids.limit,
		&a.opts.limit, &a.stats.limit} {
		*l = n
	}
	a.ptrsLimit = 4 * n
}

// valueSlice is a copy of v in a shared chunk, capped at its length (an append to one list
// cannot reach the next): one allocation per chunk instead of one per attribute's list. Chunks
// grow like the slabs'. nil for none, as an empty list decoded before.
func (a *allocs) valueSlice(v []*attiov1.Value) []*attiov1.Value {
	if len(v) == 0 {
		return nil
	}
	if len(a.ptrs) < len(v) {
		a.ptrsNext = min(max(2*a.ptrsNext, slabFirst), cmp.Or(a.ptrsLimit, 4*slabChunk))
		a.ptrs = make([]*attiov1.Value, max(len(v), a.ptrsNext))
	}
	out := a.ptrs[:len(v):len(v)]
	copy(out, v)
	a.ptrs = a.ptrs[len(v):]
	return out
}

// refValue and actorValue are a value's message with its own oneof wrapper.
type (
	refValue struct {
		m attiov1.RecordReferenceValue
		t attiov1.RecordReferenceValue_TargetRecordId
	}
	actorValue struct {
		m  attiov1.ActorReferenceValue
		id attiov1.ActorReferenceValue_ReferencedActorId
	}
)

// recordReference is the value RecordReference makes, from the slabs.
func (p *decoder) recordReference(object, id string) *vRef {
	b := p.a.ref.new()
	b.m.m.TargetObject, b.m.t.TargetRecordId = object, id
	b.m.m.Target = &b.m.t
	b.w.RecordReference = &b.m.m
	return &b.w
}

// actorReferenceValue is the value ActorReferenceValue makes, from the slabs.
func (p *decoder) actorReferenceValue(t string, id *string) *vActor {
	b := p.a.actor.new()
	v := &b.m.m
	v.ReferencedActorType, v.RawReferencedActorType = ActorTypes[t], rawEnum(ActorTypes, t)
	if id != nil {
		b.m.id.ReferencedActorId = *id
		v.Actor = &b.m.id
	}
	b.w.ActorReference = v
	return &b.w
}

// strPtr is a *string for an optional field.
func (p *decoder) strPtr(s string) *string {
	ptr := p.a.strs.new()
	*ptr = s
	return ptr
}

// parseTime parses an RFC 3339 time. Attio's own form, "2023-01-01T15:00:00.000000000Z" (any
// number of fractional digits, UTC), is read directly; anything else goes through time.Parse.
func (p *decoder) parseTime(s string) (*timestamppb.Timestamp, bool) {
	if p.lastTS != nil && s == p.lastTime {
		return p.lastTS, true
	}
	sec, nanos, ok := parseAttioTime(s)
	if !ok {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, false
		}
		sec, nanos = t.Unix(), int32(t.Nanosecond())
	}
	ts := p.a.times.new()
	ts.Seconds, ts.Nanos = sec, nanos
	p.lastTime, p.lastTS = s, ts
	return ts, true
}

// parseAttioTime reads YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z; ok is false for any other text (also for
// out-of-range fields, which time.Parse then refuses).
func parseAttioTime(s string) (sec int64, nanos int32, ok bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, 0, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, se := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return 0, 0, false
	}
	frac := s[19 : len(s)-1]
	if frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return 0, 0, false
		}
		f := num(20, len(frac)-1)
		if f < 0 {
			return 0, 0, false
		}
		for range 10 - len(frac) {
			f *= 10
		}
		nanos = int32(f)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC)
	if t.Day() != d { // e.g. February 30th: time.Parse refuses it
		return 0, 0, false
	}
	return t.Unix(), nanos, true
}
