package server

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// maskedFields reads an AIP-134 update mask against the fields an Update RPC can change: the set
// of fields to write, with "*" standing for all of them. An empty mask, an unknown or repeated
// path, or "*" beside other paths is InvalidArgument naming the paths that are allowed.
func maskedFields(mask *fieldmaskpb.FieldMask, allowed ...string) (map[string]bool, error) {
	paths := mask.GetPaths()
	bad := func(why string) error {
		return invalidArgument(fmt.Sprintf("update_mask: %s; paths are %s, or \"*\" for all of them", why, strings.Join(allowed, ", ")))
	}
	if len(paths) == 0 {
		return nil, bad("name at least one field to change")
	}
	set := make(map[string]bool, len(allowed))
	for _, p := range paths {
		switch {
		case p == "*" && len(paths) == 1:
			for _, a := range allowed {
				set[a] = true
			}
		case p == "*":
			return nil, bad(`"*" cannot be combined with other paths`)
		case !slices.Contains(allowed, p):
			return nil, bad(fmt.Sprintf("unknown path %q", p))
		case set[p]:
			return nil, bad(fmt.Sprintf("path %q is repeated", p))
		default:
			set[p] = true
		}
	}
	return set, nil
}
