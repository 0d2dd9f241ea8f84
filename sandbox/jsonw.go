package sandbox

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// jw appends JSON by hand. Record pages are the hot path (a 500-record page of
// a wide object holds tens of thousands of values) and reflection-based
// encoding of map trees would dominate the cost and the garbage.
type jw struct {
	b        []byte
	first    []bool
	afterKey bool
}

func (w *jw) sep() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	n := len(w.first)
	if n == 0 {
		return
	}
	if w.first[n-1] {
		w.first[n-1] = false
	} else {
		w.b = append(w.b, ',')
	}
}

func (w *jw) objOpen()  { w.sep(); w.b = append(w.b, '{'); w.first = append(w.first, true) }
func (w *jw) objClose() { w.b = append(w.b, '}'); w.first = w.first[:len(w.first)-1] }
func (w *jw) arrOpen()  { w.sep(); w.b = append(w.b, '['); w.first = append(w.first, true) }
func (w *jw) arrClose() { w.b = append(w.b, ']'); w.first = w.first[:len(w.first)-1] }

// key writes an object key without escaping: keys are constants or
// attribute slugs, which are validated as snake_case on every path in.
func (w *jw) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.afterKey = true
}

func (w *jw) str(s string)   { w.sep(); w.b = appendJSONString(w.b, s) }
func (w *jw) null()          { w.sep(); w.b = append(w.b, "null"...) }
func (w *jw) boolean(v bool) { w.sep(); w.b = strconv.AppendBool(w.b, v) }
func (w *jw) num(f float64)  { w.sep(); w.b = appendFloat(w.b, f) }
func (w *jw) int(i int64)    { w.sep(); w.b = strconv.AppendInt(w.b, i, 10) }
func (w *jw) raw(r []byte)   { w.sep(); w.b = append(w.b, r...) }
func (w *jw) id(u uuid) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = u.appendTo(w.b)
	w.b = append(w.b, '"')
}
func (w *jw) ts(n int64) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = appendTS(w.b, n)
	w.b = append(w.b, '"')
}

// strOrNull writes null for the empty string: optional text fields are stored
// as "" to keep structs small.
func (w *jw) strOrNull(s string) {
	if s == "" {
		w.null()
	} else {
		w.str(s)
	}
}

func (w *jw) kv(k, v string)       { w.key(k); w.str(v) }
func (w *jw) kid(k string, u uuid) { w.key(k); w.id(u) }

func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func dataOne(f func(w *jw)) []byte {
	w := &jw{b: make([]byte, 0, 1024)}
	w.objOpen()
	w.key("data")
	f(w)
	w.objClose()
	return w.b
}
