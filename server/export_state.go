package server

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
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
	// maxUpstreamPage is the largest limit a page request asks for (Attio's page size). Requests
	// ask for the items already delivered at the cursor on top of the page size (so a page always
	// has room for new items), up to this.
	maxUpstreamPage = 500
	// splitPages is the size, in pages at the locally observed density, of the pieces a range is
	// split into when workers are idle: big enough that a piece's partial last page costs little,
	// small enough that the key space ahead is spread over all workers. At 16, three replicas
	// exporting 100,000 people each spent 3% of their queries on partial pages (617-623 queries,
	// 88.8-90.5% of the ceiling); at 64, 1% (610-613, 91.2-91.8%).
	splitPages = 64
)

// exportRange is one range of the key space and the walk's position in it.
//
// A tie walk pages through the items sharing the timestamp Lo (more than a page of them: keyset on
// created_at cannot step over it) in id order, the order Attio gives items with equal sort keys
// and, for records, asks for explicitly. Its cursor is an id: every item at Lo with an id up to
// Cur has been passed. Off is only a hint of where Cur stands in that order; a page counts only if
// it starts at or before Cur, so deletions and inserts at Lo can cost requests, never items.
type exportRange struct {
	Lo   int64    `json:"l"`           // cursor: everything below Lo (or at Lo with Excl) is delivered
	Excl bool     `json:"x,omitempty"` // Lo itself is finished (after a tie walk)
	Hi   int64    `json:"h"`           // exclusive upper bound; noUpper = open-ended
	Seen []string `json:"s,omitempty"` // ids at Lo already delivered before a tie walk (at most maxBoundaryIDs)
	Tie  bool     `json:"t,omitempty"` // walking the items at exactly Lo in id order
	Cur  string   `json:"c,omitempty"` // tie walk: items at Lo with an id <= Cur are passed
	Off  int      `json:"o,omitempty"` // tie walk: Cur's position among the items at Lo when last seen
	Back int      `json:"k,omitempty"` // tie walk: size of the last step back (0 once a page found Cur)

	span int64 // created_at distance its latest page covered (the local density); not in tokens
}

// exportToken is the complete state of an export after a batch. Finished ranges are dropped, so a
// token without ranges means the export is complete.
type exportToken struct {
	Query   string         `json:"q"`           // digest of the request it belongs to
	Started bool           `json:"b"`           // the probe answered (or nothing is left): a resumed call does not probe
	Max     int64          `json:"m,omitempty"` // created_at of the newest item when the export began
	Ranges  []*exportRange `json:"r,omitempty"`
	// The newest items the first call sampled with Max, for the progress estimate's density at
	// that end (export_estimate.go), kept for resumed calls: how many, and the oldest one's
	// created_at.
	Newest   int   `json:"n,omitempty"`
	NewestLo int64 `json:"nl,omitempty"`
}

func encodeExportToken(t *exportToken) string {
	b, _ := json.Marshal(t) // strings, ints and bools always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxExportTokenLen is the longest export resume token decoded, as the proto's max_len, checked
// here too so the decoder bounds its own work whoever calls it.
const maxExportTokenLen = 65536

// decodeExportToken parses a resume token and checks it belongs to digest. The empty token is a
// fresh export: one range over the whole key space.
func decodeExportToken(token, digest string) (*exportToken, error) {
	if token == "" {
		return &exportToken{Query: digest, Ranges: []*exportRange{{Lo: noLower, Hi: noUpper}}}, nil
	}
	bad := connect.NewError(connect.CodeInvalidArgument,
		"resume_token is invalid or belongs to a different export; start without one or repeat the exact request (object or list, filter, page size, Maton-Connection) it came from")
	if len(token) > maxExportTokenLen {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, bad
	}
	var t exportToken
	if err := json.Unmarshal(raw, &t); err != nil || t.Query != digest {
		return nil, bad
	}
	for _, r := range t.Ranges {
		// A tie walk past its first page always has a cursor (tokens of the earlier offset walk
		// have none, and cannot be continued exactly once).
		if r == nil || r.Hi <= r.Lo || r.Off < 0 || r.Back < 0 || len(r.Seen) > maxBoundaryIDs ||
			(r.Tie && r.Off > 0 && r.Cur == "") || (!r.Tie && (r.Cur != "" || r.Off != 0 || r.Back != 0)) {
			return nil, bad
		}
	}
	if !t.Started && len(t.Ranges) == 0 {
		return nil, bad
	}
	if t.Newest < 0 || t.Newest > maxUpstreamPage || (t.Newest > 0 && t.NewestLo > t.Max) {
		return nil, bad // a probe's sample lies at or below the newest item, and is at most a page
	}
	return &t, nil
}

// parseTS reads an item's created_at; ok is false for anything that is not a timestamp.
func parseTS(s string) (int64, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}

// createdAt is the condition created_at <op> n (nanoseconds since the epoch), encoded by attio.
func createdAt(op attiov1.FilterOperator, n int64) attio.Filter {
	f, err := attio.CompareTime("created_at", op, time.Unix(0, n))
	if err != nil {
		panic(err) // the operators below are all defined; CompareTime cannot fail for them
	}
	return f
}

// rangeQuery is the filter, offset and limit of the next page of r.
func rangeQuery(user attio.Filter, r *exportRange, pageSize int) (filter attio.Filter, offset, limit int) {
	conds := []attio.Filter{user}
	switch {
	case r.Tie:
		conds = append(conds, createdAt(attiov1.FilterOperator_FILTER_OPERATOR_EQ, r.Lo))
		// From Cur's last known position: the page starts with Cur, proving nothing before it was
		// missed, and then has pageSize new items.
		offset, limit = r.Off, min(pageSize+1, maxUpstreamPage)
	default:
		if r.Lo != noLower {
			op := attiov1.FilterOperator_FILTER_OPERATOR_GTE
			if r.Excl {
				op = attiov1.FilterOperator_FILTER_OPERATOR_GT
			}
			conds = append(conds, createdAt(op, r.Lo))
		}
		if r.Hi != noUpper {
			conds = append(conds, createdAt(attiov1.FilterOperator_FILTER_OPERATOR_LT, r.Hi))
		}
		// The items at Lo already delivered come back first ($gte): room for them on top.
		limit = min(pageSize+len(r.Seen), maxUpstreamPage)
	}
	return attio.AllOf(conds...), offset, limit
}

// pageKey is what the walk needs of an item: its id and created_at.
type pageKey struct {
	id string
	ts int64
}

// errTieOrder: a tie walk relies on items sharing a created_at coming in id order.
const errTieOrder = exportError("upstream did not return the items sharing one created_at in id order; the export cannot continue exactly once")

// advance applies one fetched page (keys, in the order Attio returned them, for a request at
// offset with limit) to r. It returns the indexes of the items to deliver and whether the range is
// finished.
func (r *exportRange) advance(keys []pageKey, offset, limit int) (deliver []int, done bool, err error) {
	if r.Tie {
		return r.advanceTie(keys, offset, limit)
	}
	full := len(keys) >= limit
	// A split while this page was in flight may have moved Hi below what it asked for: whatever
	// lies at or past Hi is the pieces' to deliver, and this range is finished.
	past := len(keys)
	if r.Hi != noUpper {
		past = slices.IndexFunc(keys, func(k pageKey) bool { return k.ts >= r.Hi })
		if past < 0 {
			past = len(keys)
		}
	}
	seen := func(id string) bool { return slices.Contains(r.Seen, id) }
	for i, k := range keys[:past] {
		if !r.Excl && k.ts == r.Lo && seen(k.id) {
			continue
		}
		deliver = append(deliver, i)
	}
	if !full || past < len(keys) {
		return deliver, true, nil
	}
	last := keys[len(keys)-1].ts
	if last <= r.Lo && !r.Excl {
		// A whole page at the cursor's timestamp: keyset cannot step over it, so walk it in id
		// order. This page (in Attio's default order) delivers nothing: the tie walk will.
		r.Tie, r.Cur, r.Off, r.Back = true, "", 0, 0
		return nil, false, nil
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
		r.Lo, r.Excl, r.Seen = last, false, nil
		return cut, false, nil
	}
	ids := make([]string, 0, len(keys)-tail)
	for _, k := range keys[tail:] {
		ids = append(ids, k.id)
	}
	r.Lo, r.Excl, r.Seen = last, false, ids
	return deliver, false, nil
}

// advanceTie applies a page of the tie walk at Lo (items at exactly Lo in id order, from offset).
//
// The page counts only if it starts at or before the cursor (or at the very beginning): then it
// holds every item after Cur up to its last one, since ids only grow along the page. If it starts
// after Cur, items before offset were deleted and undelivered items may have slid in front of it,
// so it is dropped and the walk steps back, twice as far each time (a burst of d deletions costs
// about log2(d/page) extra requests). Items inserted before Cur are passed over (they were created
// during the export); items deleted after it are simply not there.
func (r *exportRange) advanceTie(keys []pageKey, offset, limit int) (deliver []int, done bool, err error) {
	for i, k := range keys {
		if k.ts != r.Lo || (i > 0 && keys[i-1].id >= k.id) {
			return nil, false, errTieOrder
		}
	}
	if offset > 0 && (len(keys) == 0 || keys[0].id > r.Cur) {
		r.Back = max(limit, 2*r.Back)
		r.Off = max(0, offset-r.Back)
		return nil, false, nil
	}
	r.Back = 0
	for i, k := range keys {
		if k.id > r.Cur && !slices.Contains(r.Seen, k.id) {
			deliver = append(deliver, i)
		}
	}
	if n := len(keys); n > 0 {
		r.Cur = max(r.Cur, keys[n-1].id)
		r.Off = offset + n - 1 // the last item, Cur or before it: the next page starts there
	}
	if len(keys) < limit {
		// The tie is exhausted: continue strictly after its timestamp.
		r.Tie, r.Excl, r.Cur, r.Off, r.Seen = false, true, "", 0, nil
		return deliver, r.Lo == r.Hi-1, nil
	}
	return deliver, false, nil
}

// split carves pieces off the rest of r for idle workers. span is the created_at distance one page
// covered (the local density); end is where the data is expected to stop (the newest item when the
// export began) for open-ended ranges. The pieces are disjoint and together cover exactly what r
// covered, so nothing is lost or doubled by splitting; r keeps its cursor and boundary ids.
func (r *exportRange) split(idle int, span, end int64) []*exportRange {
	if idle <= 0 || span <= 0 || r.Tie {
		return nil
	}
	start, hi := r.rest(end)
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

// rest is the part of the key space r has still to walk, [start, hi), up to end (the newest item
// when the export began) for an open-ended range; start is noLower before r's first page.
func (r *exportRange) rest(end int64) (start, hi int64) {
	start, hi = r.Lo, r.Hi
	if r.Excl {
		start++
	}
	if hi == noUpper {
		hi = end + 1
	}
	return start, hi
}

// pagesLeft is about how many pages r has still to walk at the density its latest page showed; 0
// when unknown (before its first page, or in a tie walk).
func (r *exportRange) pagesLeft(end int64) float64 {
	start, hi := r.rest(end)
	if r.span <= 0 || r.Tie || start == noLower || hi <= start {
		return 0
	}
	return float64(hi-start) / float64(r.span)
}
