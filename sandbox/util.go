package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
)

var fmtSprintf = fmt.Sprintf

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return b
}
