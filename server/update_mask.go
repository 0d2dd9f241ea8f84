package server

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
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

// fieldUpdate is an AIP-134 update read against its request: the masked fields, each handed out
// as a pointer to its value (written, even when empty) or nil (left alone).
type fieldUpdate struct {
	set map[string]bool
	req protoreflect.Message
}

// readUpdate reads req's update_mask against the fields it may name. The fields in nonEmpty
// cannot be written empty (a title, a slug): naming one that is empty is InvalidArgument.
func readUpdate(req interface {
	proto.Message
	GetUpdateMask() *fieldmaskpb.FieldMask
}, allowed, nonEmpty []string) (fieldUpdate, error) {
	set, err := maskedFields(req.GetUpdateMask(), allowed...)
	if err != nil {
		return fieldUpdate{}, err
	}
	u := fieldUpdate{set: set, req: req.ProtoReflect()}
	for _, name := range nonEmpty {
		if set[name] && !u.req.Has(u.req.Descriptor().Fields().ByName(protoreflect.Name(name))) {
			return fieldUpdate{}, invalidArgument(fmt.Sprintf("%s is in update_mask but empty; name a value or leave it out of the mask", name))
		}
	}
	return u, nil
}

// masked is v when the mask names the field, else nil.
func masked[T any](u fieldUpdate, name string, v T) *T {
	if !u.set[name] {
		return nil
	}
	return &v
}
