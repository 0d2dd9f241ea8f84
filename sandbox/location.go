package sandbox

import (
	"strings"
	"unicode"
)

// locationKeys are the ten properties of a location value; a written object must carry all.
var locationKeys = []string{"line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode",
	"country_code", "latitude", "longitude"}

// parseLocation reads a location written as free text, as Attio accepts it
// ("1 Infinite Loop, Cupertino, CA 95014, US"). Attio geocodes the text; the
// sandbox only splits it on commas: the first part is line_1, then locality,
// then region with a trailing postcode, and a final two-letter country code.
func parseLocation(text string) (*valueExt, bool) {
	var parts []string
	for _, p := range strings.Split(text, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return nil, false
	}
	e := &valueExt{}
	if last := strings.ToUpper(parts[len(parts)-1]); len(parts) > 1 && validCountry(last) {
		e.country = last
		parts = parts[:len(parts)-1]
	}
	switch len(parts) {
	case 1:
		e.locality = parts[0]
	default:
		e.lines[0] = parts[0]
		e.locality = parts[1]
		if len(parts) > 2 {
			region := parts[2]
			if i := strings.LastIndexByte(region, ' '); i > 0 && strings.IndexFunc(region[i+1:], unicode.IsDigit) >= 0 {
				region, e.postcode = region[:i], region[i+1:]
			}
			e.region = region
		}
	}
	return e, true
}
