package server

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"time"

	"connectrpc.com/connect/v2"
)

// Export keyset state. An export walks the created_at key space split into disjoint ranges
// [lo, hi); each range is walked in created_at order with a keyset cursor, so inserts and deletes
// elsewhere in the key space cannot shift it (offset pagination skips items when an earlier one
// is deleted, and repeats items when one is inserted before the offset).
//
// The state is owned by the export's single sender goroutine and serialised whole into every
// batch's resume token, so resuming needs nothing kept on the server.

const (
	noLower = math.MinInt64 // range without lower bound
	noUpper = math.MaxInt64 // open-ended range: also catches items created during the export

	// maxBoundaryIDs caps the ids carried for the cursor timestamp. Attio timestamps have
	// nanosecond precision, so more than a handful of items sharing one is a bulk import; then
	// the page is cut before that timestamp instead (those items are fetched again next page).
	// This keeps tokens small: a token carries at most ranges x maxBoundaryIDs ids.
	maxBoundaryIDs = 8
	// tieWindow is how far a tie walk (items sharing one timestamp, paged by offset) steps back
	// to absorb deletions among the already delivered items of the tie.
	tieWindow = 8
	// splitPages is the size, in pages at the locally observed density, of the pieces a range is
	// split into when workers are idle: big enough that a piece's partial last page costs little,
	// small enough that the key space ahead is spread over all workers.
	splitPages = 16
)

// exportRange is one range of the key space and the walk's position in it.
type exportRange struct {
	Lo   int64    `json:"l"`           // cursor: everything below Lo (or at Lo with Excl) is delivered
	Excl bool     `json:"x,omitempty"` // Lo itself is finished (after a tie walk)
	Hi   int64    `json:"h"`           // exclusive upper bound; noUpper = open-ended
	Seen []string `json:"s,omitempty"` // ids at Lo already delivered (tie walk: the last tieWindow of them)
	Tie  bool     `json:"t,omitempty"` // walking the items at exactly Lo by offset
	Off  int      `json:"o,omitempty"` // tie walk: items at Lo consumed so far, in upstream order
}

// exportToken is the complete state of an export after a batch. Finished ranges are dropped, so a
// token without ranges means the export is complete.
type exportToken struct {
	Query   string         `json:"q"`           // digest of the request it belongs to
	Started bool           `json:"b"`           // false only before the first page
	Max     int64          `json:"m,omitempty"` // created_at of the newest item when the export began
	Ranges  []*exportRange `json:"r,omitempty"`
}

func encodeExportToken(t *exportToken) string {
	b, _ := json.Marshal(t) // strings, ints and bools always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeExportToken parses a resume token and checks it belongs to digest. The empty token is a
// fresh export: one range over the whole key space.
func decodeExportToken(token, digest string) (*exportToken, error) {
	if token == "" {
		return &exportToken{Query: digest, Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}, nil
	}
	bad := connect.NewError(connect.CodeInvalidArgument,
		"resume_token is invalid or belongs to a different export; start without one or repeat the exact request (object or list, filter, page size, Maton-Connection) it came from")
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, bad
	}
	var t exportToken
	if err := json.Unmarshal(raw, &t); err != nil || t.Query != digest {
		return nil, bad
	}
	for _, r := range t.Ranges {
		if r == nil || r.Hi <= r.Lo || r.Off < 0 || len(r.Seen) > max(maxBoundaryIDs, tieWindow) {
			return nil, bad
		}
	}
	if !t.Started && len(t.Ranges) == 0 {
		return nil, bad
	}
	return &t, nil
}

// tsLayout is how cursors go into filters: RFC 3339 with all nine fractional digits, the form
// Attio returns, so bounds compare exactly.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

func formatTS(n int64) string { return time.Unix(0, n).UTC().Format(tsLayout) }

// parseTS reads an item's created_at; ok is false for anything that is not a timestamp.
func parseTS(s string) (int64, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}

// rangeQuery is the filter and offset of the next page of r, or of the newest-item probe.
func rangeFilter(user any, r *exportRange) (filter any, offset int) {
	var conds []any
	if user != nil {
		conds = append(conds, user)
	}
	switch {
	case r.Tie:
		conds = append(conds, map[string]any{"created_at": map[string]any{"$eq": formatTS(r.Lo)}})
		offset = max(0, r.Off-len(r.Seen))
	default:
		if r.Lo != noLower {
			op := "$gte"
			if r.Excl {
				op = "$gt"
			}
			conds = append(conds, map[string]any{"created_at": map[string]any{op: formatTS(r.Lo)}})
		}
		if r.Hi != noUpper {
			conds = append(conds, map[string]any{"created_at": map[string]any{"$lt": formatTS(r.Hi)}})
		}
	}
	switch len(conds) {
	case 0:
		return nil, offset
	case 1:
		return conds[0], offset
	}
	return map[string]any{"$and": conds}, offset
}

// pageKey is what the walk needs of an item: its id and created_at.
type pageKey struct {
	id string
	ts int64
}

// advance applies one fetched page (keys, in the order Attio returned them) to r. It returns the
// indexes of the items to deliver and whether the range is finished. full says the page had as
// many items as asked for (so there may be more).
func (r *exportRange) advance(keys []pageKey, full bool) (deliver []int, done bool) {
	seen := func(id string) bool { return slices.Contains(r.Seen, id) }
	lastIDs := func(from int) []string {
		out := make([]string, 0, len(keys)-from)
		for _, k := range keys[from:] {
			out = append(out, k.id)
		}
		return out
	}
	if r.Tie {
		for i, k := range keys {
			if !seen(k.id) {
				deliver = append(deliver, i)
			}
		}
		if full {
			r.Off = r.Off - len(r.Seen) + len(keys)
			r.Seen = lastIDs(max(0, len(keys)-tieWindow))
			return deliver, false
		}
		// The tie is exhausted: continue strictly after its timestamp.
		r.Tie, r.Excl, r.Off, r.Seen = false, true, 0, nil
		return deliver, r.Lo == r.Hi-1
	}
	for i, k := range keys {
		if !r.Excl && k.ts == r.Lo && seen(k.id) {
			continue
		}
		deliver = append(deliver, i)
	}
	if !full {
		return deliver, true
	}
	last := keys[len(keys)-1].ts
	if last <= r.Lo && !r.Excl {
		// A whole page at the cursor's timestamp: keyset cannot step over it, so walk the tie by
		// offset. The page was the tie's first len(keys) items.
		r.Tie, r.Off = true, len(keys)
		r.Seen = lastIDs(max(0, len(keys)-tieWindow))
		return deliver, false
	}
	tail := len(keys)
	for tail > 0 && keys[tail-1].ts == last {
		tail--
	}
	if len(keys)-tail > maxBoundaryIDs {
		// Too many ids to carry: deliver up to the last timestamp only and fetch it again.
		cut := deliver[:0:0]
		for _, i := range deliver {
			if i < tail {
				cut = append(cut, i)
			}
		}
		deliver = cut
		r.Lo, r.Excl, r.Seen = last, false, nil
		return deliver, false
	}
	r.Lo, r.Excl, r.Seen = last, false, lastIDs(tail)
	return deliver, false
}

// split carves pieces off the rest of r for idle workers. span is the created_at distance one page
// covered (the local density); end is where the data is expected to stop (the newest item when the
// export began) for open-ended ranges. The pieces are disjoint and together cover exactly what r
// covered, so nothing is lost or doubled by splitting; r keeps its cursor and boundary ids.
func (r *exportRange) split(idle int, span, end int64) []*exportRange {
	if idle <= 0 || span <= 0 || r.Tie {
		return nil
	}
	start := r.Lo
	if r.Excl {
		start++
	}
	hi := r.Hi
	if hi == noUpper {
		hi = end + 1
	}
	if start == noLower || hi <= start || hi-start <= 2*span {
		return nil // less than about two pages left: not worth another partial page
	}
	rest := float64(hi - start)
	pieces := max(2, min(idle+1, int(math.Ceil(rest/(float64(span)*splitPages)))))
	width := min(rest/float64(pieces), float64(span)*splitPages)
	if width < 1 {
		return nil
	}
	// Consecutive bounds start+width*i (width >= 1, so strictly increasing); the last piece
	// inherits r's original end, open-ended or not.
	origHi := r.Hi
	out := make([]*exportRange, 0, pieces-1)
	r.Hi = start + int64(width)
	prev := r.Hi
	for i := 2; i <= pieces; i++ {
		up := start + int64(width*float64(i))
		if i == pieces {
			up = origHi
		}
		out = append(out, &exportRange{Lo: prev, Hi: up})
		prev = up
	}
	return out
}
