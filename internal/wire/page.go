package wire

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"

	"github.com/planetscale/vtprotobuf/protohelpers"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// A page (StreamRecordsResponse, StreamEntriesResponse, and the batch of an ExportRecordsResponse
// or ExportEntriesResponse) is written without being sized first where the buffer has room.
//
// Why: generated code writes a message backwards into a buffer it trusts to be large enough, so
// marshalling a page the usual way walks it twice: SizeVT to size the buffer (a third of the
// marshalling of a people page, with every value's cache misses again), then the writing. But a
// page is its items (field 1) and a resume token, and an item written backwards has its size known
// once it is written, which is all its length prefix needs. So the items are written, last first,
// into the room the pooled buffer already has. Only items that did not fit are sized: they are
// written, with the ones that did, into a new buffer of exactly the page's size, as before, so the
// pooled buffers grow no larger than they did (issue 16, target 3).
//
// Whether an item fits is known only by writing it: the generated code indexes the buffer without
// checking, so an item that overflows the room panics with a bounds error, which marshalItem
// recovers. That is sound: Go checks every index, so nothing outside the room was written, and
// marshalling only reads the message. It is cheap: one deferred call per item when everything fits,
// and only the one item that overflowed written twice when not (TestWritePageThatDoesNotFit).
// Any other panic is raised again.

// writePage writes m if it is a page (reporting true), else leaves it to Write. A page with
// attio_json (the ATTIO_JSON view: no items) or unknown fields takes the general path.
func writePage(b *bytes.Buffer, m proto.Message) (bool, error) {
	switch p := m.(type) {
	case *attiov1.StreamRecordsResponse:
		if plain(p, p.AttioJson) {
			return true, writeItems(b, p.Records, p.ResumeToken, false)
		}
	case *attiov1.StreamEntriesResponse:
		if plain(p, p.AttioJson) {
			return true, writeItems(b, p.Entries, p.ResumeToken, false)
		}
	case *attiov1.ExportRecordsResponse:
		if bt := p.GetBatch(); bt != nil && plain(p, nil) && plain(bt, bt.AttioJson) {
			return true, writeItems(b, bt.Records, bt.ResumeToken, true)
		}
	case *attiov1.ExportEntriesResponse:
		if bt := p.GetBatch(); bt != nil && plain(p, nil) && plain(bt, bt.AttioJson) {
			return true, writeItems(b, bt.Entries, bt.ResumeToken, true)
		}
	}
	return false, nil
}

// plain reports whether a page holds nothing but its items and resume token.
func plain(m proto.Message, attioJSON [][]byte) bool {
	return len(attioJSON) == 0 && len(m.ProtoReflect().GetUnknown()) == 0
}

// The wire tags of a page's fields: items are field 1, the resume token field 2, and the batch of
// an Export*Response its field 1; all length-delimited.
const (
	tagItem  = 1<<3 | 2
	tagToken = 2<<3 | 2
	tagBatch = 1<<3 | 2
)

// writeItems writes a page of items and its resume token, wrapped as the batch (field 1) of an
// export response if wrapped, to b.
func writeItems[T vtMessage](b *bytes.Buffer, items []T, token string, wrapped bool) error {
	room := b.AvailableBuffer()
	room = room[:cap(room)]
	i := len(room)
	j := len(items) - 1 // items[:j+1] are not written yet
	pending := token    // the token if not written yet
	if framed(len(token)) <= i {
		i = putBytes(room, i, tagToken, token)
		pending = ""
		for ; j >= 0; j-- {
			n, fits, err := marshalItem(items[j], room[:i])
			if err != nil {
				return err
			}
			if !fits || framed(n) > i {
				break
			}
			i = putFrame(room, i-n, tagItem, n)
		}
	}
	if j < 0 && pending == "" && (!wrapped || frameHead(len(room)-i) <= i) {
		if wrapped {
			i = putFrame(room, i, tagBatch, len(room)-i)
		}
		return keep(b, room, i)
	}
	return writeExact(b, items[:j+1], room[i:], pending, wrapped)
}

// marshalItem writes it at the end of room, reporting whether it fitted (see above).
func marshalItem[T vtMessage](it T, room []byte) (n int, fits bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(runtime.Error); !ok || !strings.Contains(e.Error(), "out of range") {
				panic(r)
			}
			n, fits, err = 0, false, nil
		}
	}()
	n, err = it.MarshalToSizedBufferVT(room)
	return n, true, err
}

// keep makes room[i:], the page just written at the end of b's room, b's content.
func keep(b *bytes.Buffer, room []byte, i int) error {
	if b.Len() == 0 {
		// The page stays where it was written: the room becomes the content (Write copies a slice
		// onto itself for free) and the unused front is skipped as if read.
		_, _ = b.Write(room)
		b.Next(i)
		return nil
	}
	n := copy(room, room[i:])
	_, _ = b.Write(room[:n])
	return nil
}

// writeExact writes a page of which head (items) and pending (the resume token, "" when written
// or empty) are still to be written before tail (the rest of the page, written) into a buffer of
// exactly the page's size.
func writeExact[T vtMessage](b *bytes.Buffer, head []T, tail []byte, pending string, wrapped bool) error {
	size := len(tail)
	if pending != "" {
		size += framed(len(pending))
	}
	for _, it := range head {
		size += framed(it.SizeVT())
	}
	total := size
	if wrapped {
		total += frameHead(size)
	}
	out := make([]byte, total)
	o := total
	if pending != "" {
		o = putBytes(out, o, tagToken, pending)
	}
	o -= copy(out[o-len(tail):], tail)
	for k := len(head) - 1; k >= 0; k-- {
		n, err := head[k].MarshalToSizedBufferVT(out[:o])
		if err != nil {
			return err
		}
		o = putFrame(out, o-n, tagItem, n)
	}
	if wrapped {
		o = putFrame(out, o, tagBatch, size)
	}
	if o != 0 {
		return fmt.Errorf("wire: page sized %d bytes, written %d", total, total-o)
	}
	if b.Len() == 0 {
		// Replace, not grow (as Write does): the buffer is exactly the page.
		*b = *bytes.NewBuffer(out)
		return nil
	}
	_, err := b.Write(out)
	return err
}

// framed is the size of a length-delimited field of n bytes with a one-byte tag, head the size of
// (frameHead) of its tag and length.
func framed(n int) int { return frameHead(n) + n }

func frameHead(n int) int { return 1 + protohelpers.SizeOfVarint(uint64(n)) }

// putFrame writes the tag and length of a length-delimited field of n bytes before dst[i:],
// returning where they start.
func putFrame(dst []byte, i int, tag byte, n int) int {
	i = protohelpers.EncodeVarint(dst, i, uint64(n))
	i--
	dst[i] = tag
	return i
}

// putBytes writes the string field s (nothing when empty, as proto3 does) before dst[i:].
func putBytes(dst []byte, i int, tag byte, s string) int {
	if s == "" {
		return i
	}
	i -= copy(dst[i-len(s):i], s)
	return putFrame(dst, i, tag, len(s))
}
