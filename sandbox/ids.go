package sandbox

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"time"
)

// uuid is stored as 16 bytes rather than a string: records hold several of
// them and a million-record workspace must stay small. Byte order equals the
// lexicographic order of the canonical text form, so sorting by uuid and by
// its string agree.
type uuid [16]byte

var zeroUUID uuid

func newUUID() uuid {
	var u uuid
	_, _ = rand.Read(u[:])
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

// nameUUID derives a stable id (version 5 layout) so that standard objects
// and attributes get the same ids on every start without storing them.
func nameUUID(ns uuid, name string) uuid {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u uuid
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

func parseUUID(s string) (uuid, bool) {
	var u uuid
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, true
}

func mustUUID(s string) uuid {
	u, ok := parseUUID(s)
	if !ok {
		panic("sandbox: bad uuid literal " + s)
	}
	return u
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (u uuid) String() string {
	return string(u.appendTo(make([]byte, 0, 36)))
}

func (u uuid) appendTo(b []byte) []byte {
	var buf [36]byte
	hex.Encode(buf[0:8], u[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], u[10:])
	return append(b, buf[:]...)
}

func (u uuid) isZero() bool { return u == zeroUUID }

// tsLayout is Attio's timestamp form: UTC with exactly nine fractional digits.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTS(nanos int64) string {
	return time.Unix(0, nanos).UTC().Format(tsLayout)
}

// appendTS formats like tsLayout without time.Format's generality: record
// pages write three timestamps per value.
func appendTS(b []byte, nanos int64) []byte {
	t := time.Unix(0, nanos).UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, tsLayout)
	}
	ns := t.Nanosecond()
	var buf [30]byte
	put := func(i, v, width int) {
		for k := width - 1; k >= 0; k-- {
			buf[i+k] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	buf[4] = '-'
	put(5, int(mo), 2)
	buf[7] = '-'
	put(8, d, 2)
	buf[10] = 'T'
	put(11, h, 2)
	buf[13] = ':'
	put(14, mi, 2)
	buf[16] = ':'
	put(17, s, 2)
	buf[19] = '.'
	put(20, ns, 9)
	buf[29] = 'Z'
	return append(b, buf[:]...)
}
