package server

import (
	"strings"
	"unicode/utf8"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/interceptors"
)

// secretsOf adds the call's own credentials to the facade's secrets: the caller's bearer token
// (and the whole Authorization value) and its approval token. An upstream message may quote
// anything the facade sent, and a caller's data may carry them there.
func secretsOf(facade *attio.Redactor, info *connect.CallInfo) *attio.Redactor {
	if info == nil {
		return facade
	}
	h := info.RequestHeader()
	var call []string
	if auth := h.Get("Authorization"); auth != "" {
		call = append(call, auth)
		if scheme, token, ok := strings.Cut(auth, " "); ok && scheme != "" {
			call = append(call, strings.TrimSpace(token))
		}
	}
	if approval := h.Get(interceptors.HeaderApproval); approval != "" {
		call = append(call, approval)
	}
	if len(call) == 0 {
		return facade
	}
	return facade.With(call...)
}

// clean masks secrets in s, makes it valid UTF-8 (proto strings must be) and caps it at limit
// bytes without splitting a character. Masking comes first: a cut secret could not be found.
func clean(r *attio.Redactor, s string, limit int) string {
	s = strings.ToValidUTF8(r.Redact(s), "\uFFFD")
	if len(s) <= limit {
		return s
	}
	const more = "…"
	cut := limit - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

// cleanStrings applies clean to every string in m, at any depth: fields, lists and map keys and
// values (google.rpc.ErrorInfo metadata, BadRequest descriptions, ApprovalRequired summaries).
func cleanStrings(r *attio.Redactor, m protoreflect.Message, limit int) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				if fd.Kind() == protoreflect.StringKind {
					l.Set(i, protoreflect.ValueOfString(clean(r, l.Get(i).String(), limit)))
				} else if fd.Message() != nil {
					cleanStrings(r, l.Get(i).Message(), limit)
				}
			}
		case fd.IsMap():
			cleanMap(r, m, fd, v.Map(), limit)
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString(clean(r, v.String(), limit)))
		case fd.Message() != nil:
			cleanStrings(r, v.Message(), limit)
		}
		return true
	})
}

func cleanMap(r *attio.Redactor, m protoreflect.Message, fd protoreflect.FieldDescriptor, mp protoreflect.Map, limit int) {
	out := m.NewField(fd).Map()
	mp.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		if fd.MapKey().Kind() == protoreflect.StringKind {
			k = protoreflect.ValueOfString(clean(r, k.String(), limit)).MapKey()
		}
		switch {
		case fd.MapValue().Kind() == protoreflect.StringKind:
			v = protoreflect.ValueOfString(clean(r, v.String(), limit))
		case fd.MapValue().Message() != nil:
			cleanStrings(r, v.Message(), limit)
		}
		out.Set(k, v)
		return true
	})
	m.Set(fd, protoreflect.ValueOfMap(out))
}
