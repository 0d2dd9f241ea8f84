package server

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"connectrpc.com/connect/v2"
)

// changeToken is a position in one connection's change log (see changes.Log). It is opaque to
// callers (base64 of JSON) but not secret: a forged position only reads changes the caller could
// watch anyway. It names its connection, so that a token is never read as a position of another
// connection's log; it is not bound to an object, a list or a filter, so a watch can move on from
// any other watch's token.
type changeToken struct {
	Conn string `json:"c"`
	Pos  string `json:"p"` // decimal: JSON numbers lose uint64 digits in some callers' decoders
}

func encodeChangeToken(conn string, pos uint64) string {
	b, _ := json.Marshal(changeToken{Conn: conn, Pos: strconv.FormatUint(pos, 10)}) // strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// errBadChangeToken is the one message for every malformed or misbound token.
const errBadChangeToken = "resume_token is invalid or belongs to another connection (Maton-Connection); start without one, or send a change_token of this connection"

// maxChangeTokenLen bounds what one call decodes (the proto says the same, but the decoder must
// not depend on validation having run).
const maxChangeTokenLen = 4096

// decodeChangeToken returns the position token names in conn's log.
func decodeChangeToken(token, conn string) (uint64, error) {
	bad := connect.NewError(connect.CodeInvalidArgument, errBadChangeToken)
	if len(token) > maxChangeTokenLen {
		return 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, bad
	}
	var t changeToken
	if json.Unmarshal(raw, &t) != nil || t.Conn != conn {
		return 0, bad
	}
	pos, err := strconv.ParseUint(t.Pos, 10, 64)
	if err != nil || pos == 0 {
		return 0, bad
	}
	return pos, nil
}
