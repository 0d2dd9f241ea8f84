package interceptors

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Describer explains a write to the approver: a summary of the target and the intended effect and,
// for updates and deletes, what changes against the current upstream state. The server package
// implements the upstream-aware one. If it returns a *connect.Error, the write is refused with that
// error and no approval is created (e.g. NotFound for deleting a record that does not exist); any
// other error falls back to describing the request alone.
type Describer interface {
	Describe(ctx context.Context, procedure string, req proto.Message) (summary string, changes []*attiov1.FieldChange, err error)
}

// DescriberFunc adapts a function to Describer.
type DescriberFunc func(ctx context.Context, procedure string, req proto.Message) (string, []*attiov1.FieldChange, error)

// Describe implements Describer.
func (f DescriberFunc) Describe(ctx context.Context, procedure string, req proto.Message) (string, []*attiov1.FieldChange, error) {
	return f(ctx, procedure, req)
}

// FallbackDescriber describes a write from the request alone, for when no upstream-aware Describer
// is configured (or it failed): the target (top-level identifier fields) in the summary, every
// other field set as a change with an empty "before".
type FallbackDescriber struct{}

// maxChangeText keeps one rendered value readable in an approval list.
const maxChangeText = 200

// Describe implements Describer.
func (FallbackDescriber) Describe(_ context.Context, procedure string, req proto.Message) (string, []*attiov1.FieldChange, error) {
	method := procedure[strings.LastIndexByte(procedure, '/')+1:]
	var target []string
	var changes []*attiov1.FieldChange
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	masked := updateMask(m)
	for i := range fields.Len() {
		fd := fields.Get(i)
		name := string(fd.Name())
		if masked != nil && !isTargetField(fd) {
			// An AIP-134 update writes exactly the masked fields, empty ones included (they clear).
			if masked[name] || masked["*"] && name != "update_mask" {
				c := &attiov1.FieldChange{Field: name}
				if m.Has(fd) {
					c.After = valueText(fd, m.Get(fd))
				}
				changes = append(changes, c)
			}
			continue
		}
		if !m.Has(fd) {
			continue
		}
		v := m.Get(fd)
		switch {
		case isTargetField(fd):
			target = append(target, name+"="+valueText(fd, v))
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				changes = append(changes, &attiov1.FieldChange{Field: name + "." + k.String(), After: valueText(fd.MapValue(), mv)})
				return true
			})
		default:
			changes = append(changes, &attiov1.FieldChange{Field: name, After: valueText(fd, v)})
		}
	}
	slices.SortFunc(changes, func(x, y *attiov1.FieldChange) int { return strings.Compare(x.Field, y.Field) })
	what := method
	if len(target) > 0 {
		what += " " + strings.Join(target, " ")
	}
	switch {
	case strings.HasPrefix(method, "Delete"):
		return what + ": permanently deletes it (Attio deletes cannot be undone)", changes, nil
	case strings.HasPrefix(method, "Create"):
		return fmt.Sprintf("%s: creates it with %d field(s) set", what, len(changes)), changes, nil
	default:
		return fmt.Sprintf("%s: writes %d field(s)", what, len(changes)), changes, nil
	}
}

// updateMask returns the paths of a request's update_mask (AIP-134), or nil when it has none.
func updateMask(m protoreflect.Message) map[string]bool {
	fd := m.Descriptor().Fields().ByName("update_mask")
	if fd == nil || fd.Message() == nil || fd.Message().FullName() != "google.protobuf.FieldMask" {
		return nil
	}
	paths := map[string]bool{}
	l := m.Get(fd).Message().Get(fd.Message().Fields().ByName("paths")).List()
	for i := range l.Len() {
		paths[l.Get(i).String()] = true
	}
	return paths
}

// isTargetField picks the scalar fields that name what a write acts on.
func isTargetField(fd protoreflect.FieldDescriptor) bool {
	if fd.IsList() || fd.IsMap() || fd.Kind() != protoreflect.StringKind {
		return false
	}
	switch n := string(fd.Name()); n {
	case "object", "list", "attribute", "target", "parent_object", "matching_attribute", "id", "identifier":
		return true
	default:
		return strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "_identifier")
	}
}

func valueText(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	var s string
	switch {
	case fd.IsList():
		l := v.List()
		parts := make([]string, l.Len())
		for i := range l.Len() {
			parts[i] = scalarText(fd, l.Get(i))
		}
		s = "[" + strings.Join(parts, ", ") + "]"
	default:
		s = scalarText(fd, v)
	}
	return truncateText(s, maxChangeText)
}

// truncateText cuts s to at most n bytes plus an ellipsis, never inside a UTF-8 sequence.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// boundDescription keeps what an approval stores and every ApprovalRequired error carries small,
// whatever a describer produced: the summary and each change's text are cut, and at most
// MaxChanges changes are kept (the summary says how many more there were).
func boundDescription(summary string, changes []*attiov1.FieldChange) (string, []*attiov1.FieldChange) {
	summary = truncateText(summary, MaxSummaryBytes)
	if extra := len(changes) - MaxChanges; extra > 0 {
		changes = changes[:MaxChanges]
		summary = fmt.Sprintf("%s (%d more changes not listed)", summary, extra)
	}
	for _, c := range changes {
		c.Field = truncateText(c.Field, maxChangeText)
		c.Before = truncateText(c.Before, maxChangeText)
		c.After = truncateText(c.After, maxChangeText)
	}
	return summary, changes
}

func scalarText(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		b, err := protojson.MarshalOptions{}.Marshal(v.Message().Interface())
		if err != nil {
			return "<unprintable>"
		}
		return string(b)
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return fmt.Sprint(int32(v.Enum()))
	case protoreflect.BytesKind:
		return fmt.Sprintf("<%d bytes>", len(v.Bytes()))
	default:
		return v.String()
	}
}
