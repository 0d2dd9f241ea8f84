package attio

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// A pooled one-record decoder hands the rest of its chunks to the next calls, but its chunks stay
// at most oneChunk messages (4*oneChunk pointers), however many records it decodes, and nothing of
// a call's input or shared messages survives the call.
func TestOneDecoderChunksStayBounded(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("../testdata/attio/examples/company-record.real.json")
	if err != nil {
		t.Fatal(err)
	}
	p := oneDecoders.New().(*decoder)
	for range 200 {
		p.in, p.s = body, string(body)
		if err := decodeDataWith(p, false, func(p *decoder) error { _, err := p.record(); return err }); err != nil {
			t.Fatal(err)
		}
		p.endCall()
		if p.in != nil || p.s != "" || p.lastActor != nil || p.lastTS != nil || p.lastTime != "" || p.empty != nil || p.lastActorRaw != nil {
			t.Fatal("a call's input or shared messages outlive it")
		}
		for _, s := range p.spans[:cap(p.spans)] {
			if s.key != "" {
				t.Fatalf("a span of the last call is kept: %q", s.key)
			}
		}
		if p.a.values.next > oneChunk || cap(p.a.values.buf) > oneChunk || p.a.times.next > oneChunk ||
			p.a.lists.next > oneChunk || p.a.recs.next > oneChunk || p.a.ptrsNext > 4*oneChunk || cap(p.a.ptrs) > 4*oneChunk {
			t.Fatalf("chunks beyond %d: values %d (cap %d), times %d, lists %d, records %d, pointers %d (cap %d)", oneChunk,
				p.a.values.next, cap(p.a.values.buf), p.a.times.next, p.a.lists.next, p.a.recs.next, p.a.ptrsNext, cap(p.a.ptrs))
		}
	}
	if p.a.values.next != oneChunk {
		t.Errorf("values chunks grew to %d, not to the bound %d", p.a.values.next, oneChunk)
	}
}

// An outsized record leaves its pooled decoder no larger than oneKept: the next calls neither
// make a map of its size nor clear scratch stacks of its size.
func TestOneDecoderForgetsAnOutsizedRecord(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	// 3*oneKept attributes; the first has 3*oneKept values, the first of which has 3*oneKept keys.
	b.WriteString(`{"data":{"id":{"record_id":"r"},"values":{"a":[{"attribute_type":"text","value":"v"`)
	for i := range 3 * oneKept {
		fmt.Fprintf(&b, `,"k%d":1`, i)
	}
	b.WriteString(`}`)
	for range 3*oneKept - 1 {
		b.WriteString(`,{"attribute_type":"text","value":"v"}`)
	}
	b.WriteString(`]`)
	for i := range 3*oneKept - 1 {
		fmt.Fprintf(&b, `,"a%d":[]`, i)
	}
	b.WriteString(`}}}`)
	p := oneDecoders.New().(*decoder)
	p.in, p.s = []byte(b.String()), b.String()
	if err := decodeDataWith(p, false, func(p *decoder) error { _, err := p.record(); return err }); err != nil {
		t.Fatal(err)
	}
	if p.attrs != 3*oneKept || cap(p.spans) <= oneKept || cap(p.vals) <= oneKept || cap(p.vx) <= oneKept {
		t.Fatalf("the test record did not reach the bound: %d attributes, %d spans, %d values", p.attrs, cap(p.spans), cap(p.vals))
	}
	p.endCall()
	if p.attrs > oneKept || cap(p.spans) > oneKept || cap(p.vals) > oneKept || cap(p.vx) > oneKept || cap(p.stack) > oneKept {
		t.Errorf("kept beyond %d: next map size %d, scratch %d spans, %d values, %d extras, %d stack", oneKept,
			p.attrs, cap(p.spans), cap(p.vals), cap(p.vx), cap(p.stack))
	}
}
