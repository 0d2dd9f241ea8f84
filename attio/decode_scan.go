package attio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The decoder's validating scanner: one pass over the page that checks it is JSON (RFC 8259, with
// strings of valid UTF-8 and escapes of valid UTF-16, as jsontext checks them; duplicate names
// allowed, as encoding/json allows them) and finds each value object's members on the way. It
// replaced jsontext's ReadValue followed by a second, trusted walk of the same bytes (issue 16,
// target 1). Errors are *jsontext.SyntacticError, wrapping io.ErrUnexpectedEOF when the input
// ends early (a body cut off mid-way, which a retry can fix; isBadJSON tells them apart).

// maxDepth bounds the nesting of arrays and objects, as jsontext does: the scanner recurses.
const maxDepth = 10000

// plainByte marks the bytes a string holds as themselves: printable ASCII but '"' and '\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (p *decoder) errAt(i int, err error) error {
	return &jsontext.SyntacticError{ByteOffset: int64(i), Err: err}
}

// errEOF or an invalid character at b[i], whichever it is.
func (p *decoder) errChar(i int, where string) error {
	if i >= len(p.in) {
		return p.errAt(i, io.ErrUnexpectedEOF)
	}
	return p.errAt(i, fmt.Errorf("invalid character %q %s", p.in[i], where))
}

// scanValue validates the value at in[i] (no leading space) and returns the index past it.
func (p *decoder) scanValue(i, depth int) (int, error) {
	b := p.in
	if i >= len(b) {
		return i, p.errAt(i, io.ErrUnexpectedEOF)
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := p.scanString(i)
		return end, err
	case c == '{':
		end, _, err := p.scanObject(i, depth+1, false)
		return end, err
	case c == '[':
		return p.scanArray(i, depth+1)
	case c == 't':
		return p.scanLiteral(i, "true")
	case c == 'f':
		return p.scanLiteral(i, "false")
	case c == 'n':
		return p.scanLiteral(i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.scanNumber(i)
	}
	return i, p.errChar(i, "at start of value")
}

// scanObject validates the object at in[i] == '{'. With collect, its members go on the span
// stack (the caller pops them from mark).
func (p *decoder) scanObject(i, depth int, collect bool) (end, mark int, err error) {
	mark = len(p.spans)
	if depth > maxDepth {
		return i, mark, p.errAt(i, errors.New("exceeded max depth"))
	}
	b := p.in
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, mark, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, mark, p.errChar(i, "at start of object name")
		}
		ks := i
		ke, plain, err := p.scanString(i)
		if err != nil {
			return ke, mark, err
		}
		i = skipSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return i, mark, p.errChar(i, "after object name (expecting ':')")
		}
		i = skipSpace(b, i+1)
		vs := i
		if i, err = p.scanValue(i, depth); err != nil {
			return i, mark, err
		}
		if collect {
			var key string
			if plain {
				key = p.sub(ks+1, ke-1)
			} else {
				key = p.str(ks, ke)
			}
			p.spans = append(p.spans, span{key: key, start: vs, end: i})
		}
		i = skipSpace(b, i)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			return i + 1, mark, nil
		default:
			return i, mark, p.errChar(i, "after object value (expecting ',' or '}')")
		}
	}
}

// scanArray validates the array at in[i] == '['.
func (p *decoder) scanArray(i, depth int) (int, error) {
	if depth > maxDepth {
		return i, p.errAt(i, errors.New("exceeded max depth"))
	}
	b := p.in
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = p.scanValue(i, depth); err != nil {
			return i, err
		}
		i = skipSpace(b, i)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == ']':
			return i + 1, nil
		default:
			return i, p.errChar(i, "after array element (expecting ',' or ']')")
		}
	}
}

// scanString validates the string at in[i] == '"'; plain is true when it has no escapes (its
// text is the bytes between the quotes).
func (p *decoder) scanString(i int) (end int, plain bool, err error) {
	b := p.in
	i++
	// Eight bytes at a time while none is '"', '\', a control character or non-ASCII; the
	// lowest marked byte of the first word with one is the first such byte (no borrow reaches
	// below it), so the scan goes straight to it.
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := (x - 0x2020202020202020 | hasZero(x^0x2222222222222222) | hasZero(x^0x5c5c5c5c5c5c5c5c) | x) & 0x8080808080808080; m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
		i += 8
	}
	for i < len(b) && plainByte[b[i]] {
		i++
	}
	if i < len(b) && b[i] == '"' {
		return i + 1, true, nil
	}
	plain = true
	for i < len(b) {
		switch c := b[i]; {
		case plainByte[c]:
			i++
		case c == '"':
			return i + 1, plain, nil
		case c == '\\':
			plain = false
			if i, err = p.scanEscape(i); err != nil {
				return i, false, err
			}
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				if !utf8.FullRune(b[i:]) {
					return i, false, p.errAt(i, io.ErrUnexpectedEOF)
				}
				return i, false, p.errAt(i, errors.New("invalid UTF-8 within string"))
			}
			i += n
		default:
			return i, false, p.errChar(i, "in string (expecting non-control character)")
		}
	}
	return i, false, p.errAt(i, io.ErrUnexpectedEOF)
}

// hasZero has the high bit of a byte set where x has a zero byte (and maybe above one: the
// caller only asks whether there is any).
func hasZero(x uint64) uint64 { return (x - 0x0101010101010101) &^ x }

// scanEscape validates the escape sequence at in[i] == '\'; a \u escape of a surrogate must be
// followed by the other half of a valid pair.
func (p *decoder) scanEscape(i int) (int, error) {
	b := p.in
	if i+1 >= len(b) {
		return i, p.errAt(i, io.ErrUnexpectedEOF)
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, nil
	case 'u':
	default:
		return i, p.errAt(i, fmt.Errorf("invalid escape sequence %q in string", b[i:i+2]))
	}
	r1, err := p.hex4(i)
	if err != nil || !utf16.IsSurrogate(r1) {
		return i + 6, err
	}
	if i+6 < len(b) && b[i+6] != '\\' || i+7 < len(b) && b[i+7] != 'u' {
		return i, p.errAt(i, errors.New("invalid surrogate pair in string"))
	}
	r2, err := p.hex4(i + 6)
	if err != nil {
		return i, err
	}
	if utf16.DecodeRune(r1, r2) == utf8.RuneError {
		return i, p.errAt(i, errors.New("invalid surrogate pair in string"))
	}
	return i + 12, nil
}

// hex4 is the code unit of the \uXXXX escape at in[i].
func (p *decoder) hex4(i int) (rune, error) {
	b := p.in
	var r rune
	for j := i + 2; j < i+6; j++ {
		if j >= len(b) {
			return 0, p.errAt(j, io.ErrUnexpectedEOF)
		}
		c := b[j]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, p.errAt(i, fmt.Errorf("invalid escape sequence %q in string", b[i:j+1]))
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}

// scanNumber validates the number at in[i]: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *decoder) scanNumber(i int) (int, error) {
	b := p.in
	digits := func(i int) (int, error) {
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == i {
			return j, p.errChar(j, "in number (expecting digit)")
		}
		return j, nil
	}
	if b[i] == '-' {
		i++
	}
	var err error
	switch {
	case i < len(b) && b[i] == '0':
		i++
	default:
		if i, err = digits(i); err != nil {
			return i, err
		}
	}
	if i < len(b) && b[i] == '.' {
		if i, err = digits(i + 1); err != nil {
			return i, err
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, err = digits(i); err != nil {
			return i, err
		}
	}
	return i, nil
}

// scanLiteral validates true, false or null at in[i].
func (p *decoder) scanLiteral(i int, lit string) (int, error) {
	b := p.in
	for j := range len(lit) {
		if i+j >= len(b) {
			return i + j, p.errAt(i+j, io.ErrUnexpectedEOF)
		}
		if b[i+j] != lit[j] {
			return i + j, p.errChar(i+j, "in literal "+lit)
		}
	}
	return i + len(lit), nil
}
