package server

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
)

// extras collects, for one Attio object, what its message has no typed field for: keys the
// contract does not know yet, and known keys whose value a typed field cannot hold (a time that is
// not RFC 3339). They reach the caller verbatim as the message's extra_json, so an Attio addition
// is visible before the contract catches up, and nothing Attio sent is dropped.
type extras struct {
	fields map[string]json.RawMessage
}

// extrasOf starts from the unknown keys the client kept (it owns e, so they are copied). A value,
// not a pointer: it runs for every value of every record, and nearly always stays empty.
func extrasOf(e attio.Extra) extras {
	var x extras
	if e.Len() == 0 {
		return x
	}
	for _, k := range e.Keys() {
		raw, _ := e.Get(k)
		x.set(k, raw)
	}
	return x
}

func (x *extras) set(key string, raw json.RawMessage) {
	if x.fields == nil {
		x.fields = make(map[string]json.RawMessage)
	}
	x.fields[key] = raw
}

// time parses an Attio time. One that does not parse is unset and kept under key; empty is unset.
func (x *extras) time(key, s string) *timestamppb.Timestamp {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		b, _ := json.Marshal(s)
		x.set(key, b)
		return nil
	}
	return timestamppb.New(t)
}

// timePtr is time for a nullable time (nil is unset).
func (x *extras) timePtr(key string, s *string) *timestamppb.Timestamp {
	if s == nil {
		return nil
	}
	return x.time(key, *s)
}

// json is the collected keys as one JSON object with sorted keys, "" when there are none. Values
// are Attio's bytes, so numbers keep every digit.
func (x extras) json() string {
	if len(x.fields) == 0 {
		return ""
	}
	keys := make([]string, 0, len(x.fields))
	for k := range x.fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(bytes.TrimSpace(x.fields[k]))
	}
	b.WriteByte('}')
	return b.String()
}
