package attio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
)

// Keys each attribute type's value carries besides the common ones, as Attio documents them.
var (
	valueCommonKeys = keySet("attribute_type", "active_from", "active_until", "created_by_actor")
	valueTypeKeys   = map[string]map[string]bool{
		TypeText:            keySet("value"),
		TypeNumber:          keySet("value"),
		TypeCheckbox:        keySet("value"),
		TypeDate:            keySet("value"),
		TypeTimestamp:       keySet("value"),
		TypeRating:          keySet("value"),
		TypeCurrency:        keySet("currency_value", "currency_code"),
		TypeStatus:          keySet("status"),
		TypeSelect:          keySet("option"),
		TypeRecordReference: keySet("target_object", "target_record_id"),
		TypeActorReference:  keySet("referenced_actor_type", "referenced_actor_id"),
		TypeLocation: keySet("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode",
			"country_code", "latitude", "longitude"),
		TypeDomain: keySet("domain", "root_domain"),
		TypeEmailAddress: keySet("original_email_address", "email_address", "email_domain", "email_root_domain",
			"email_local_specifier"),
		TypePhoneNumber:  keySet("original_phone_number", "country_code", "phone_number"),
		TypePersonalName: keySet("first_name", "last_name", "full_name"),
		TypeInteraction:  keySet("interaction_type", "interacted_at", "owner_actor"),
	}
)

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// Unknown returns the keys of a decoded value that its attribute type does not document (Attio
// adds keys without a new API version), with their raw JSON. It is empty for values built in code
// and for values of unknown types, which Raw keeps whole anyway.
func (v Value) Unknown() Extra {
	var e Extra
	known := valueTypeKeys[v.AttributeType]
	if known == nil || len(v.Raw) == 0 {
		return e
	}
	eachMember(v.Raw, func(key string, raw []byte) {
		if !valueCommonKeys[key] && !known[key] {
			e.Set(key, bytes.Clone(raw))
		}
	})
	return e
}

// eachMember calls f for every member of a JSON object, with the member's raw value. It expects
// valid JSON (data the decoder already accepted) and stops quietly at anything else. It scans
// instead of decoding: it runs for every value of every record, and nearly always finds nothing.
func eachMember(b []byte, f func(key string, raw []byte)) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return
		}
		end := skipString(b, i)
		rawKey := b[i:end]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return
		}
		i = skipSpace(b, i+1)
		start := i
		i = skipValue(b, i)
		key := string(rawKey[1 : len(rawKey)-1])
		if bytes.IndexByte(rawKey, '\\') >= 0 {
			if json.Unmarshal(rawKey, &key) != nil {
				return
			}
		}
		f(key, b[start:i])
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ',' {
			return
		}
		i++
	}
}

// skipSpace skips JSON's whitespace. Attio sends none: one comparison (every whitespace byte is
// at most ' ') settles the usual case, where four were 7.5% of a record's decode.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the (validated) string starting at b[i] == '"': eight
// bytes at a time to the next '"' or '\' (the lowest marked byte is the first one, as in
// scanString), then byte by byte in the last few.
func skipString(b []byte, i int) int {
	i++
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		m := (hasZero(x^0x2222222222222222) | hasZero(x^0x5c5c5c5c5c5c5c5c)) & 0x8080808080808080
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) >> 3
		if b[i] == '"' {
			return i + 1
		}
		i += 2 // the escaped byte
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}
