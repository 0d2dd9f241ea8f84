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

// cursorPage answers the page of list that the request's cursor points at: the "data" array and
// the pagination object that Attio's cursor-paged endpoints share. scope ties a cursor to the
// query it came from.
func cursorPage[T any](rc *reqCtx, scope string, list []T, limit int, write func(*jw, T)) ([]byte, *apiError) {
	offset, err := decodeCursor(rc.q.Get("cursor"), scope)
	if err != nil {
		return nil, err
	}
	lo, hi := window(len(list), limit, offset)
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	for _, v := range list[lo:hi] {
		write(w, v)
	}
	w.arrClose()
	writeCursorPage(w, len(list), hi, scope)
	w.objClose()
	return w.b, nil
}

// queryScope is kind and the request's query without its paging parameters, so a cursor only
// works with the filters it was issued for.
func (rc *reqCtx) queryScope(kind string) string {
	q := rc.r.URL.Query()
	q.Del("cursor")
	q.Del("limit")
	return kind + ":" + q.Encode()
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
