package attio

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// decoder reads one Attio response body in one pass of a validating scanner (decode_scan.go),
// filling the contract's messages (gen/attio/v1) directly: no intermediate structs, no second
// Unmarshal.
//
// Strings: the body is converted to one string up front, and every decoded string without escapes
// is a substring of it. One allocation and copy per page instead of one per string; the messages
// of a page then share that string (they are sent and dropped together).
//
// Each value object (the bulk of a page) is validated and its members found in the same scan:
// Attio puts attribute_type last, so a value's typed keys can only be read once the whole object
// is known. Raw bytes of anything unknown are slices of the input, never re-encoded.
type decoder struct {
	in    []byte
	s     string
	i     int    // the cursor: the next byte to read
	first bool   // the next member or element is the first of its object or array
	stack []byte // the closing delimiters of the objects and arrays the cursor is in
	spans []span // stack of the members of the objects being walked, reused
	a     allocs
	attrs int                // attributes of the last record or entry: the next one's map size
	vals  []*attiov1.Value   // stack of the values of the list being read, reused
	vx    extras             // the extras of the value being read, reused
	got   int                // members the value's typed decode found (field)
	empty *attiov1.ValueList // the list every empty attribute of the page shares

	// The activity_id of the last record's id: activity records decode with the record decoder
	// (ids holds it instead of object_id), and their callers read it here. activityBad: it was
	// not a string.
	activityID  string
	activityBad bool

	// The last actor and time decoded, and their text: Attio repeats them on value after value
	// (every value of a record created at once has the same active_from and created_by_actor),
	// and a repeat shares the message already decoded instead of walking and allocating it again.
	// The messages of a page are read-only once decoded, so sharing them is safe.
	lastActorRaw []byte
	lastActor    *attiov1.ActorReference
	lastTime     string
	lastTS       *timestamppb.Timestamp
}

// span is one member of an object: its key and the position of its value in the input.
type span struct {
	key        string
	start, end int
}

var errShape = errors.New("attio: unexpected JSON shape")

// newDecoder decodes in. With shareStrings, strings are substrings of one copy of in (for pages
// decoded into messages); without, each string is its own (for scans that keep a few).
func newDecoder(in []byte, shareStrings bool) *decoder {
	p := &decoder{in: in}
	if shareStrings {
		p.s = string(in)
	}
	return p
}

// peek is the next byte after any space, 0 at the end of the input.
func (p *decoder) peek() byte {
	p.i = skipSpace(p.in, p.i)
	if p.i >= len(p.in) {
		return 0
	}
	return p.in[p.i]
}

// read reads the next value whole (validated) and returns its position in the input.
func (p *decoder) read() (start, end int, err error) {
	p.peek()
	start = p.i
	end, err = p.scanValue(start, len(p.stack))
	p.i = end
	return start, end, err
}

// open reads the next token, which must be the delimiter want ('{' or '['). ok is false (and the
// value consumed) when it is null.
func (p *decoder) open(want byte) (ok bool, err error) {
	switch p.peek() {
	case want:
		if len(p.stack) >= maxDepth {
			return false, p.errAt(p.i, errors.New("exceeded max depth"))
		}
		p.i++
		p.stack = append(p.stack, want+2) // '{'+2 is '}', '['+2 is ']'
		p.first = true
		return true, nil
	case 'n':
		_, _, err := p.read()
		return false, err
	}
	if _, _, err := p.read(); err != nil {
		return false, err
	}
	return false, errShape
}

// more reports whether the current object or array has another member or element; at its end it
// consumes the closing delimiter.
func (p *decoder) more() (bool, error) {
	c, end := p.peek(), p.stack[len(p.stack)-1]
	switch {
	case c == end:
		p.i++
		p.stack = p.stack[:len(p.stack)-1]
		p.first = false
		return false, nil
	case p.first:
	case c == ',':
		p.i++
		if c := p.peek(); c == end {
			return false, p.errChar(p.i, "after ','")
		}
	default:
		return false, p.errChar(p.i, "(expecting ',' or '"+string(end)+"')")
	}
	p.first = false
	return true, nil
}

// name reads an object member's name and the ':' after it.
func (p *decoder) name() (string, error) {
	if p.peek() != '"' {
		return "", p.errChar(p.i, "at start of object name")
	}
	start := p.i
	end, _, err := p.scanString(start)
	if err != nil {
		return "", err
	}
	p.i = end
	if p.peek() != ':' {
		return "", p.errChar(p.i, "after object name (expecting ':')")
	}
	p.i++
	return p.str(start, end), nil
}

// skip reads the next value whole (validated).
func (p *decoder) skip() error {
	_, _, err := p.read()
	return err
}

// end checks that nothing but space follows the top-level value.
func (p *decoder) end() error {
	if p.peek() != 0 {
		return p.errChar(p.i, "after top-level value")
	}
	return nil
}

// str is the string whose (validated) JSON text is in[start:end].
func (p *decoder) str(start, end int) string {
	raw := p.in[start:end]
	if bytes.IndexByte(raw, '\\') < 0 {
		if p.s == "" {
			return string(raw[1 : len(raw)-1])
		}
		return p.s[start+1 : end-1]
	}
	b, err := jsontext.AppendUnquote(nil, raw)
	if err != nil {
		return ""
	}
	return string(b)
}

// sub is the input's text in[start:end].
func (p *decoder) sub(start, end int) string {
	if p.s == "" {
		return string(p.in[start:end])
	}
	return p.s[start:end]
}

// members walks the validated object at in[start:end] with the trusted scanner and returns its
// members. A non-object has none. The spans live on a stack shared by nested walks: a caller
// calls p.pop(mark) when done with them.
func (p *decoder) members(start, end int) (f fields, mark int) {
	mark = len(p.spans)
	b := p.in[:end]
	i := skipSpace(b, start)
	if i >= len(b) || b[i] != '{' {
		return nil, mark
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			break
		}
		ks := i
		i = skipString(b, i)
		key := p.str(ks, i)
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			break
		}
		i = skipSpace(b, i+1)
		vs := i
		i = skipValue(b, i)
		p.spans = append(p.spans, span{key: key, start: vs, end: i})
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ',' {
			break
		}
		i++
	}
	return p.spans[mark:], mark
}

func (p *decoder) pop(mark int) { p.spans = p.spans[:mark] }

// Kinds of a validated JSON value at in[start].
func (p *decoder) kind(start int) byte { return p.in[start] }

// text is a string value, "" for null; ok is false for anything else.
func (p *decoder) text(v span) (string, bool) {
	switch p.kind(v.start) {
	case '"':
		return p.str(v.start, v.end), true
	case 'n':
		return "", true
	}
	return "", false
}

// optText is a nullable string: nil for null.
func (p *decoder) optText(v span) (*string, bool) {
	switch p.kind(v.start) {
	case '"':
		return p.strPtr(p.str(v.start, v.end)), true
	case 'n':
		return nil, true
	}
	return nil, false
}

// number is a JSON number's text (or a string holding one, which Attio's spec allows for
// decimals), "" for null.
func (p *decoder) number(v span) (string, bool) {
	switch c := p.kind(v.start); {
	case c == '-' || (c >= '0' && c <= '9'):
		return p.sub(v.start, v.end), true
	case c == '"':
		s := p.str(v.start, v.end)
		return s, isJSONNumber(s)
	case c == 'n':
		return "", true
	}
	return "", false
}

// isJSONNumber reports whether s is a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	digits := func() bool {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// boolean is true/false, false for null.
func (p *decoder) boolean(v span) (bool, bool) {
	switch p.kind(v.start) {
	case 't':
		return true, true
	case 'f', 'n':
		return false, true
	}
	return false, false
}

// extras collects, for one object, what its message has no typed field for: unknown keys, and
// known keys whose value no typed field can hold. They reach the caller as extra_json, verbatim.
type extras []span

func (x *extras) add(v span) { *x = append(*x, v) }

// json is the collected members as one JSON object, keys sorted (the last of duplicates wins),
// values exactly as Attio sent them; "" when there are none.
func (x extras) json(p *decoder) string {
	if len(x) == 0 {
		return ""
	}
	slices.SortStableFunc(x, func(a, b span) int { return strings.Compare(a.key, b.key) })
	var b []byte
	b = append(b, '{')
	for i, m := range x {
		if i+1 < len(x) && x[i+1].key == m.key {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b, _ = jsontext.AppendQuote(b, m.key)
		b = append(b, ':')
		b = append(b, p.in[m.start:m.end]...)
	}
	return string(append(b, '}'))
}

// time reads a time. Null or "" is unset; anything that is not an RFC 3339 string is unset and
// kept in x.
func (p *decoder) time(v span, x *extras) *timestamppb.Timestamp {
	s, ok := p.text(v)
	if !ok {
		x.add(v)
		return nil
	}
	if s == "" {
		return nil
	}
	ts, ok := p.parseTime(s)
	if !ok {
		x.add(v)
	}
	return ts
}
