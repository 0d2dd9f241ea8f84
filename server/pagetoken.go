package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// pageToken is the position inside an upstream listing. It is opaque to callers (base64 of JSON) but
// not secret: it only says where to continue, so a forged one can do nothing a caller could not do
// with an honest page_token. It carries a digest of the query it belongs to, so reusing a token with
// another query (or another connection) is refused instead of silently returning the wrong rows. It
// holds no key material, so tokens survive a restart of the facade: resuming a stream after a
// restart is a feature.
type pageToken struct {
	Query  string `json:"q"`           // digest of the query, see queryDigest
	Offset int64  `json:"o,omitempty"` // limit/offset endpoints
	Cursor string `json:"c,omitempty"` // cursor endpoints
	End    bool   `json:"e,omitempty"` // a finished cursor listing: nothing left to resume
}

// errBadPageToken is the one message for every malformed or misbound token: the caller's fix is the
// same (start over, or send the token with the query it came from).
const errBadPageToken = "page token is invalid or belongs to a different query; start without a token or repeat the exact query it came from"

// queryDigest identifies a query for token binding: the procedure, the Maton connection and the
// request with the fields named unbound cleared (AIP-158 lets page_size change between pages).
func queryDigest(procedure, connection string, req proto.Message, unbound ...protoreflect.Name) string {
	clone := proto.Clone(req).ProtoReflect()
	fields := clone.Descriptor().Fields()
	for _, name := range unbound {
		if fd := fields.ByName(name); fd != nil {
			clone.Clear(fd)
		}
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(clone.Interface())
	if err != nil {
		// Marshal of a validated, generated message cannot fail; keep the digest distinct anyway.
		b = []byte(err.Error())
	}
	h := sha256.New()
	h.Write([]byte(procedure))
	h.Write([]byte{0})
	h.Write([]byte(connection))
	h.Write([]byte{0})
	h.Write(b)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

func encodePageToken(t pageToken) string {
	b, _ := json.Marshal(t) // a struct of strings and ints always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxPageTokenLen is the longest page or resume token decoded (the proto's max_len says the same,
// but the decoder must not depend on validation having run): it bounds what one call decodes.
const maxPageTokenLen = 2048

// decodePageToken parses token and checks it belongs to digest. An empty token is the first page.
func decodePageToken(token, digest string) (pageToken, error) {
	if token == "" {
		return pageToken{Query: digest}, nil
	}
	if len(token) > maxPageTokenLen {
		return pageToken{}, connect.NewError(connect.CodeInvalidArgument, errBadPageToken)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return pageToken{}, connect.NewError(connect.CodeInvalidArgument, errBadPageToken)
	}
	var t pageToken
	if err := json.Unmarshal(raw, &t); err != nil || t.Offset < 0 {
		return pageToken{}, connect.NewError(connect.CodeInvalidArgument, errBadPageToken)
	}
	if t.Query != digest {
		return pageToken{}, connect.NewError(connect.CodeInvalidArgument, errBadPageToken)
	}
	return t, nil
}
