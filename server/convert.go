package server

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Helpers shared by the schema and activity services (objects, attributes, lists, tasks, notes,
// comments, meetings, workspace, webhooks, connections).

// enumOf maps an Attio enum string; a string this contract does not know is UNSPECIFIED (the
// zero value) rather than an error, so a new upstream value never fails a whole page.
func enumOf[E ~int32](m map[string]E, s string) E { return m[s] }

// enumName is the Attio string of a proto enum value, "" when it has none (UNSPECIFIED).
func enumName[E comparable](m map[string]E, v E) string {
	for k, e := range m {
		if e == v {
			return k
		}
	}
	return ""
}

// isNullJSON reports an absent or null JSON value.
func isNullJSON(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// isJSONObject reports whether raw is a valid JSON object.
func isJSONObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{' && json.Valid(t)
}

// structOrNil keeps a JSON object Attio or Maton sent (default_value, metadata) whole; null or
// absent stays unset so callers can tell "none" from "empty".
func structOrNil(raw json.RawMessage) *structpb.Struct {
	if isNullJSON(raw) {
		return nil
	}
	return rawToStruct(raw)
}

// structJSON is the wire form of a Struct the caller gave; nil stays nil (field not sent).
func structJSON(s *structpb.Struct) (json.RawMessage, error) {
	if s == nil {
		return nil, nil
	}
	b, err := protojson.Marshal(s)
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, "struct cannot be written as JSON: "+err.Error())
	}
	return b, nil
}

// actorOrNil maps an actor that may be entirely null (e.g. resolved_by of an open comment) to unset.
func actorOrNil(a attio.Actor) *attiov1.ActorReference {
	if a.Type == nil && a.ID == nil {
		return nil
	}
	return toActor(&a)
}

// unixTimestamp maps Unix seconds (JWT exp/iat); fractions keep their nanoseconds. Empty is unset.
func unixTimestamp(n json.Number) *timestamppb.Timestamp {
	if n == "" {
		return nil
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return &timestamppb.Timestamp{Seconds: i}
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	sec := math.Floor(f)
	return &timestamppb.Timestamp{Seconds: int64(sec), Nanos: int32(math.Round((f - sec) * 1e9))}
}

// optionalTimestamp is the Attio form of an optional time: nil when unset.
func optionalTimestamp(ts *timestamppb.Timestamp) *string {
	if ts == nil {
		return nil
	}
	s := fromTimestamp(ts)
	return &s
}

// requirePair refuses a filter that names an object without the record (or the reverse): Attio
// only filters on the pair, and sending half of it would be refused upstream anyway.
func requirePair(objectField, object, recordField, record string) error {
	if (object == "") != (record == "") {
		return connect.NewError(connect.CodeInvalidArgument, "filter: "+objectField+" and "+recordField+" must be given together")
	}
	return nil
}

func invalidArgument(msg string) error { return connect.NewError(connect.CodeInvalidArgument, msg) }
