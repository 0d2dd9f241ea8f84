package interceptors

import (
	"context"
	"fmt"
	"google.golang.org/protobuf/encoding/protojson"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The request-size bounds. A write within them costs bounded CPU and memory to validate, describe
// and store as an approval; beyond them it is refused with InvalidArgument before anything else
// (validation, approvals, any upstream call) looks at it. Attio's objects have at most a few
// hundred attributes, so no real write comes near them. They are documented in the proto
// (ValueInputList, the values maps) and in README's "Security and limits".
const (
	// MaxValuesPerWrite bounds one write's values: attribute keys plus the values in their lists
	// (an empty list, which clears an attribute, counts as one).
	MaxValuesPerWrite = 500
	// MaxValueBytes bounds one ValueInput's encoded size.
	MaxValueBytes = 64 << 10
	// MaxFilterNodes bounds a filter tree: every and/or/not/condition/path node, every $in operand,
	// every path step and every JSON value of a raw filter counts.
	MaxFilterNodes = 1000
	// MaxFilterDepth bounds how deeply filters (and raw JSON within them) nest.
	MaxFilterDepth = 32
)

var valueInputListName = (&attiov1.ValueInputList{}).ProtoReflect().Descriptor().FullName()

// Limits refuses requests beyond the size bounds above with InvalidArgument. It checks each
// message as it is received, so place it before validation (see Chain): counting is cheap, while
// validating 100,000 values is not.
func Limits() connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			return next(ctx, spec, &limitedStream{ServerStream: stream})
		}
	}
}

type limitedStream struct {
	connect.ServerStream
}

func (s *limitedStream) Receive(msg any) error {
	if err := s.ServerStream.Receive(msg); err != nil {
		return err
	}
	m, ok := msg.(proto.Message)
	if !ok {
		return nil
	}
	if err := CheckRequestSize(m); err != nil {
		return connect.NewError(connect.CodeInvalidArgument, err.Error())
	}
	return nil
}

// CheckRequestSize checks msg against the write and filter bounds, reading only what it must: a
// map of values beyond the bound is refused by its length, before any entry is looked at.
func CheckRequestSize(msg proto.Message) error {
	return checkMessage(msg.ProtoReflect(), "")
}

func checkMessage(m protoreflect.Message, path string) error {
	if !hasMessageFields(m.Descriptor()) {
		return nil // scalars only (GetRecord and most reads): nothing to count, no closure to build
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil {
			return true // scalars, repeated or not: nothing to count (most fields of most requests)
		}
		name := path + string(fd.Name())
		switch {
		case fd.IsMap():
			if vd := fd.MapValue().Message(); vd != nil && vd.FullName() == valueInputListName {
				err = checkValues(v.Map(), name)
			}
		case fd.IsList():
			for i := range v.List().Len() {
				if err = checkNested(v.List().Get(i).Message(), fmt.Sprintf("%s[%d].", name, i)); err != nil {
					break
				}
			}
		default:
			err = checkNested(v.Message(), name+".")
		}
		return err == nil
	})
	return err
}

func hasMessageFields(md protoreflect.MessageDescriptor) bool {
	fields := md.Fields()
	for i := range fields.Len() {
		if fields.Get(i).Message() != nil {
			return true
		}
	}
	return false
}

// checkNested checks a message field: filters by CheckFilter, request sub-messages recursively.
// Values and the JSON well-known types are leaves here (their size is bounded elsewhere).
func checkNested(m protoreflect.Message, path string) error {
	switch x := m.Interface().(type) {
	case *attiov1.Filter:
		if err := CheckFilter(x); err != nil {
			return fmt.Errorf("%s%w", path, err)
		}
		return nil
	case *attiov1.ValueInput, *structpb.Struct, *structpb.Value, *structpb.ListValue:
		return nil
	}
	return checkMessage(m, path)
}

func checkValues(vals protoreflect.Map, field string) error {
	if n := vals.Len(); n > MaxValuesPerWrite {
		return fmt.Errorf("%s: %d attributes; at most %d values per write", field, n, MaxValuesPerWrite)
	}
	total := 0
	var err error
	vals.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
		list := v.Message().Interface().(*attiov1.ValueInputList).GetValues()
		total += max(1, len(list))
		if total > MaxValuesPerWrite {
			err = fmt.Errorf("%s: more than %d values per write", field, MaxValuesPerWrite)
			return false
		}
		for i, vi := range list {
			if size := proto.Size(vi); size > MaxValueBytes {
				err = fmt.Errorf("%s[%q][%d]: value of %d bytes; at most %d bytes per value", field, k.String(), i, size, MaxValueBytes)
				return false
			}
		}
		return true
	})
	return err
}

// CheckFilter reports a filter beyond MaxFilterNodes or MaxFilterDepth. It walks iteratively and
// stops at the first node over a bound, so its cost is bounded by the limits, not by the input.
func CheckFilter(f *attiov1.Filter) error {
	type item struct {
		node  any // *attiov1.Filter or *structpb.Value
		depth int
	}
	stack := []item{{f, 1}}
	nodes := 0
	push := func(depth int, children ...any) error {
		if nodes+len(stack)+len(children) > MaxFilterNodes {
			return fmt.Errorf("filter has more than %d nodes", MaxFilterNodes)
		}
		if depth > MaxFilterDepth {
			return fmt.Errorf("filter nests deeper than %d levels", MaxFilterDepth)
		}
		for _, c := range children {
			stack = append(stack, item{c, depth})
		}
		return nil
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nodes++
		var err error
		switch n := it.node.(type) {
		case *attiov1.Filter:
			switch x := n.GetNode().(type) {
			case *attiov1.Filter_All:
				err = push(it.depth+1, filterChildren(x.All)...)
			case *attiov1.Filter_Any:
				err = push(it.depth+1, filterChildren(x.Any)...)
			case *attiov1.Filter_Negate:
				err = push(it.depth+1, x.Negate)
			case *attiov1.Filter_Condition:
				// Each $in operand is a node: a long list costs like a long $or.
				nodes += len(x.Condition.GetStringList().GetValues())
				err = push(it.depth)
			case *attiov1.Filter_Path:
				nodes += len(x.Path.GetPath())
				err = push(it.depth+1, x.Path.GetConstraints())
			case *attiov1.Filter_RawJson:
				// Parsed only to be counted (a double is fine for that); invalid JSON is refused later.
				var raw structpb.Struct
				if protojson.Unmarshal([]byte(x.RawJson), &raw) == nil {
					err = push(it.depth+1, structChildren(raw.GetFields())...)
				}
			}
		case *structpb.Value:
			switch x := n.GetKind().(type) {
			case *structpb.Value_StructValue:
				err = push(it.depth+1, structChildren(x.StructValue.GetFields())...)
			case *structpb.Value_ListValue:
				vals := x.ListValue.GetValues()
				if len(vals) > MaxFilterNodes {
					vals = vals[:MaxFilterNodes+1]
				}
				children := make([]any, len(vals))
				for i, v := range vals {
					children[i] = v
				}
				err = push(it.depth+1, children...)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func filterChildren(l *attiov1.FilterList) []any {
	fs := l.GetFilters()
	if len(fs) > MaxFilterNodes {
		fs = fs[:MaxFilterNodes+1] // enough to be refused; never copies a huge list
	}
	out := make([]any, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out
}

func structChildren(fields map[string]*structpb.Value) []any {
	out := make([]any, 0, min(len(fields), MaxFilterNodes+1))
	for _, v := range fields {
		if out = append(out, v); len(out) > MaxFilterNodes {
			break
		}
	}
	return out
}
