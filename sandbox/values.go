package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
)

var actorTypes = []string{"system", "workspace-member", "api-token", "app"}

func actorTypeCode(t string) (uint16, bool) {
	for i, a := range actorTypes {
		if a == t {
			return uint16(i), true
		}
	}
	return 0, false
}

func packCC(cc string) uint16 {
	if len(cc) != 2 {
		return 0
	}
	return uint16(cc[0])<<8 | uint16(cc[1])
}

func unpackCC(v uint16) string {
	if v == 0 {
		return ""
	}
	return string([]byte{byte(v >> 8), byte(v)})
}

func splitName(s string) (first, last, full string) {
	first, rest, _ := strings.Cut(s, "\x00")
	last, full, _ = strings.Cut(rest, "\x00")
	return
}

func packName(first, last, full string) string { return first + "\x00" + last + "\x00" + full }

func splitPhone(s string) (phone, original string) {
	phone, original, ok := strings.Cut(s, "\x00")
	if !ok {
		original = phone
	}
	return
}

var interactionTypes = []string{"calendar-event", "call", "chat-thread", "email", "in-person-meeting", "meeting"}

func numString(v any) string {
	switch n := v.(type) {
	case string:
		return n
	case json.Number:
		return n.String()
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}

func splitFull(s string) (string, string) {
	s = strings.TrimSpace(s)
	if last, first, ok := strings.Cut(s, ","); ok {
		return strings.TrimSpace(first), strings.TrimSpace(last)
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, ""
	}
	return strings.TrimSpace(s[:i]), s[i+1:]
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// sameValue tells whether two values carry the same content (ignoring when
// and by whom they were written); used to skip no-op writes and dedupe.
func sameValue(a, b *value) bool {
	if a.attr != b.attr || a.s != b.s || a.f != b.f || a.ref != b.ref || a.aux != b.aux {
		return false
	}
	if (a.ext == nil) != (b.ext == nil) {
		return false
	}
	return a.ext == nil || *a.ext == *b.ext
}

// uniqKey is the normalised form used by unique indexes and matching.
func uniqKey(a *attribute, v *value) string { return a.typ.impl().uniqKey(v) }

func displayKey(a *attribute, v *value) string { return uniqKey(a, v) }

func (c *collection) lookupUnique(a *attribute, v *value) *item {
	if a.derived == dRecordID {
		if u, ok := parseUUID(v.s); ok {
			return c.byID[u]
		}
		return nil
	}
	if idx := c.uniq[a.idx]; idx != nil {
		return idx[uniqKey(a, v)]
	}
	return nil
}
