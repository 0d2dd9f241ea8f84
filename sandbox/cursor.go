package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// cursor pagination: the cursor encodes the offset; Attio's cursors are
// opaque, so clients must only pass back what they received.
type cursorState struct {
	Offset int    `json:"o"`
	Scope  string `json:"s"`
}

func encodeCursor(offset int, scope string) string {
	b, _ := json.Marshal(cursorState{Offset: offset, Scope: scope})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, scope string) (int, *apiError) {
	if s == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var st cursorState
	if err != nil || json.Unmarshal(raw, &st) != nil || st.Scope != scope || st.Offset < 0 {
		return 0, validation("Invalid cursor.").with([]any{"cursor"}, "invalid_string", "The cursor is malformed or belongs to another query")
	}
	return st.Offset, nil
}

func writeCursorPage(w *jw, total, end int, scope string) {
	w.key("pagination")
	w.objOpen()
	w.key("next_cursor")
	if end < total {
		w.str(encodeCursor(end, scope))
	} else {
		w.null()
	}
	w.objClose()
}

func (rc *reqCtx) cursorLimit(def, max int) (int, *apiError) {
	s := rc.q.Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "invalid_type", "Expected number, received string")
	case n < 1:
		return 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "too_small", "Number must be greater than or equal to 1")
	case n > max:
		return 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "too_big", "Number must be less than or equal to "+strconv.Itoa(max))
	}
	return n, nil
}
