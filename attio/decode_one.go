package attio

import "sync"

// One record (a unary GetRecord, a write's answer) decoded by a fresh decoder paid for a page's
// setup without a page to spread it over: every slab's first chunks (1, 2, 4, ... messages of
// each of two dozen types, five allocations for Ada's 23 values alone), the scratch stacks grown
// from nothing, the attribute map grown from 8 entries through three rehashes. A decoder from this
// pool keeps all of it between calls: the rest of its chunks go to the next records, as a page's
// records share theirs, and its scratch stacks and last map size are reused. Chunks are capped at
// oneChunk messages, so a record its caller keeps keeps little else alive.
var oneDecoders = sync.Pool{New: func() any {
	p := &decoder{attrs: oneAttrs}
	p.a.limitChunks(oneChunk)
	return p
}}

const (
	// oneChunk caps a pooled decoder's chunks: a few records' worth of values (Ada has 23).
	oneChunk = 32
	// oneAttrs is the first map size: a people record has 33 attributes, a company 40.
	oneAttrs = 32
	// oneKept bounds what a pooled decoder keeps of an outsized record: its next map size, and
	// the capacity of each scratch stack (cleared on every call, so it must stay small).
	oneKept = 1024
)

// decodeOne decodes Attio's answer holding one item, {"data": item}, with a pooled decoder;
// "data": null (or absent) is empty().
func decodeOne[T any](body []byte, item func(*decoder) (T, error), empty func() T) (T, error) {
	var out T
	found := false
	p := oneDecoder(body)
	err := decodeDataWith(p, false, func(p *decoder) (err error) {
		out, err = item(p)
		found = true
		return err
	})
	p.release()
	if !found && err == nil {
		out = empty()
	}
	return out, err
}

// oneDecoder is a pooled decoder for in, which shares strings like a page's (one copy of in).
func oneDecoder(in []byte) *decoder {
	p := oneDecoders.Get().(*decoder)
	p.in, p.s = in, string(in)
	return p
}

// release returns p to the pool.
func (p *decoder) release() {
	p.endCall()
	oneDecoders.Put(p)
}

// endCall leaves nothing of this call's input or messages reachable from p but its chunks: the
// next call must not share this one's actors, times or empty list (a caller may change its
// record), nor keep its input alive.
func (p *decoder) endCall() {
	*p = decoder{
		stack: scratch(p.stack), spans: scratch(p.spans), vals: scratch(p.vals), vx: scratch(p.vx),
		a: p.a, attrs: min(p.attrs, oneKept),
	}
}

// scratch is s emptied for the next call, nil when it grew beyond oneKept.
func scratch[S ~[]E, E any](s S) S {
	if cap(s) > oneKept {
		return nil
	}
	clear(s[:cap(s)])
	return s[:0]
}
