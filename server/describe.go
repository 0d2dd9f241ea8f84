package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectinprocess"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

// Describer tells an approver what a write will do against the current upstream state: it fetches
// the target of updates and deletes, fills each change's "before" and names what a delete destroys.
// Creates need no fetch: the request-only summary says it all. What to fetch is the contract's
// word: the write's (attio.v1.access) target names the read RPC, whose request is filled from the
// write's fields of the same names (interceptors.TargetRequest).
type Describer struct {
	rpc        *connect.Client // in process, to the resource services without interceptors
	targets    map[string]target
	attributes *AttributeService
}

// target is how to read what one write procedure targets.
type target struct {
	method   protoreflect.MethodDescriptor
	spec     connect.Spec
	response protoreflect.MessageType
	resource protoreflect.FieldDescriptor
}

var _ interceptors.Describer = (*Describer)(nil)

// NewDescriber returns a Describer that reads current state through client. The caller's
// connection and deadline come with the context Describe is called with.
func NewDescriber(client *attio.Client) *Describer {
	srv := connect.NewServer(withConnection)
	registerResources(srv, client)
	specs := map[string]connect.Spec{}
	for spec := range srv.Specs() {
		specs[spec.Procedure] = spec
	}
	d := &Describer{rpc: connect.NewClient(connectinprocess.New(srv)), targets: map[string]target{}, attributes: &AttributeService{client: client}}
	for name, proc := range interceptors.Procedures() {
		spec, ok := specs[proc.Target]
		if !ok {
			continue // no target, or one this server does not serve: the summary stays request-only
		}
		md := proc.TargetMethod
		response, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
		if err != nil {
			continue
		}
		d.targets[name] = target{method: md, spec: spec, response: response, resource: interceptors.TargetField(md.Output())}
	}
	return d
}

// current fetches the resource a write targets, or nil when the procedure has nothing to fetch.
func (d *Describer) current(ctx context.Context, procedure string, req proto.Message) (proto.Message, error) {
	t, ok := d.targets[procedure]
	if !ok {
		return nil, nil
	}
	res := t.response.New()
	if err := d.rpc.CallUnary(ctx, t.spec, interceptors.TargetRequest(t.method, req), res.Interface()); err != nil {
		if ce, ok := errors.AsType[*connect.Error](err); ok {
			// The read ran here, not at a remote peer: its refusal (NotFound, say) is the write's.
			return nil, connect.NewError(ce.Code(), ce.Message())
		}
		return nil, err
	}
	return res.Get(t.resource).Message().Interface(), nil
}

// Describe implements interceptors.Describer. A target that does not exist refuses the write
// (NotFound) before any approval is asked for.
func (d *Describer) Describe(ctx context.Context, procedure string, req proto.Message) (string, []*attiov1.FieldChange, error) {
	summary, changes, err := interceptors.FallbackDescriber{}.Describe(ctx, procedure, req)
	if err != nil {
		return "", nil, err
	}
	if inputs := inputValues(req); inputs != nil {
		for _, c := range changes {
			_, attr, ok := strings.Cut(c.Field, ".")
			if l, found := inputs[attr]; ok && found {
				c.After = inputListText(l)
			}
		}
	}
	cur, err := d.current(ctx, procedure, req)
	if err != nil {
		return "", nil, err
	}
	if cur == nil || !cur.ProtoReflect().IsValid() {
		return summary, changes, nil
	}
	isDelete := interceptors.IsDelete(procedure)
	values := currentValues(cur)
	multi, err := d.multiselect(ctx, req)
	if err != nil {
		return "", nil, err
	}
	if isDelete {
		changes = changes[:0]
		for _, k := range sortedKeys(values) {
			if before := valueListText(values[k]); before != "" {
				changes = append(changes, &attiov1.FieldChange{Field: "values." + k, Before: before})
			}
		}
		if values == nil {
			changes = fieldsOf(cur)
		}
		return summary + "; it is currently " + title(cur), changes, nil
	}
	for _, c := range changes {
		if attr, ok := strings.CutPrefix(c.Field, "values."); ok && values != nil {
			c.Before = valueListText(values[attr])
		} else if attr, ok := strings.CutPrefix(c.Field, "entry_values."); ok && values != nil {
			c.Before = valueListText(values[attr])
		} else {
			c.Before = fieldText(cur, c.Field)
		}
		// PATCH appends to multiselect attributes only; single values are replaced either way.
		if attr := strings.TrimPrefix(strings.TrimPrefix(c.Field, "values."), "entry_values."); multi[attr] && c.Before != "" && c.After != "" {
			c.After = c.Before + ", " + c.After
		}
	}
	return summary + "; target is " + title(cur), changes, nil
}

// multiselect returns the multiselect attributes of an appending (PATCH) update's object or list,
// whose new values join the current ones; nil for every other write.
func (d *Describer) multiselect(ctx context.Context, req proto.Message) (map[string]bool, error) {
	var list *attiov1.ListAttributesRequest
	switch r := req.(type) {
	case *attiov1.UpdateRecordRequest:
		if r.GetMode() == attiov1.UpdateMode_UPDATE_MODE_APPEND {
			list = &attiov1.ListAttributesRequest{Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT, Identifier: r.GetObject()}
		}
	case *attiov1.UpdateEntryRequest:
		if r.GetMode() == attiov1.UpdateMode_UPDATE_MODE_APPEND {
			list = &attiov1.ListAttributesRequest{Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_LIST, Identifier: r.GetList()}
		}
	case *attiov1.UpdateActivityRecordRequest:
		if r.GetMode() == attiov1.UpdateMode_UPDATE_MODE_APPEND {
			list = &attiov1.ListAttributesRequest{Target: attiov1.AttributeTarget_ATTRIBUTE_TARGET_ACTIVITY, Identifier: r.GetActivity()}
		}
	}
	if list == nil {
		return nil, nil
	}
	list.PageSize = maxWholePage
	multi := map[string]bool{}
	for {
		res, err := d.attributes.ListAttributes(ctx, list)
		if err != nil {
			return nil, err
		}
		for _, a := range res.GetAttributes() {
			if a.GetIsMultiselect() {
				multi[a.GetApiSlug()] = true
			}
		}
		if list.PageToken = res.GetNextPageToken(); list.PageToken == "" {
			return multi, nil
		}
	}
}

// inputValues returns the values a record or entry write sets, or nil for other writes.
func inputValues(req proto.Message) map[string]*attiov1.ValueInputList {
	switch r := req.(type) {
	case *attiov1.CreateRecordRequest:
		return r.GetValues()
	case *attiov1.UpdateRecordRequest:
		return r.GetValues()
	case *attiov1.AssertRecordRequest:
		return r.GetValues()
	case *attiov1.CreateEntryRequest:
		return r.GetEntryValues()
	case *attiov1.UpdateEntryRequest:
		return r.GetEntryValues()
	case *attiov1.AssertEntryRequest:
		return r.GetEntryValues()
	case *attiov1.CreateActivityRecordRequest:
		return r.GetValues()
	case *attiov1.UpdateActivityRecordRequest:
		return r.GetValues()
	case *attiov1.AssertActivityRecordRequest:
		return r.GetValues()
	}
	return nil
}

// inputListText renders values to be written as display text, like valueListText does for
// values read; an empty list clears the attribute.
func inputListText(l *attiov1.ValueInputList) string {
	parts := make([]string, 0, len(l.GetValues()))
	for _, in := range l.GetValues() {
		if t := attio.ValueText(in); t != "" {
			parts = append(parts, t)
		}
	}
	return truncate(strings.Join(parts, ", "))
}

func currentValues(m proto.Message) map[string]*attiov1.ValueList {
	switch r := m.(type) {
	case *attiov1.Record:
		return r.GetValues()
	case *attiov1.Entry:
		return r.GetEntryValues()
	case *attiov1.ActivityRecord:
		return r.GetValues()
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// title names a resource for a person: its name-like field, else its id.
func title(m proto.Message) string {
	if r, ok := m.(*attiov1.Record); ok {
		for _, k := range []string{"name", "title", "email_addresses", "domains"} {
			if t := valueListText(r.GetValues()[k]); t != "" {
				return fmt.Sprintf("%q (record %s)", t, r.GetId().GetRecordId())
			}
		}
		return "record " + r.GetId().GetRecordId()
	}
	if r, ok := m.(*attiov1.ActivityRecord); ok {
		return "activity record " + r.GetId().GetRecordId()
	}
	for _, f := range []string{"name", "title", "display_name", "content_plaintext", "target_url", "api_slug", "connection_id"} {
		if t := fieldText(m, f); t != "" {
			return fmt.Sprintf("%q", t)
		}
	}
	return string(m.ProtoReflect().Descriptor().Name())
}

// fieldText renders the field called name of m, or "" when m has no such (set) field.
func fieldText(m proto.Message, name string) string {
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil || !r.Has(fd) {
		return ""
	}
	return truncate(protoText(fd, r.Get(fd)))
}

// fieldsOf lists the set scalar fields of m, for deletes of non-record resources.
func fieldsOf(m proto.Message) []*attiov1.FieldChange {
	var out []*attiov1.FieldChange
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() {
			out = append(out, &attiov1.FieldChange{Field: string(fd.Name()), Before: truncate(protoText(fd, v))})
		}
		return true
	})
	return out
}

func protoText(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch {
	case fd.IsList() || fd.IsMap():
		return "[…]"
	case fd.Kind() == protoreflect.MessageKind:
		b, err := protojson.Marshal(v.Message().Interface())
		if err != nil {
			return ""
		}
		return string(b)
	case fd.Kind() == protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
	}
	return v.String()
}

// valueListText renders an attribute's current values as display text.
func valueListText(l *attiov1.ValueList) string {
	var parts []string
	for _, v := range l.GetValues() {
		if v.GetActiveUntil() != nil {
			continue
		}
		if t := attio.ValueText(v); t != "" {
			parts = append(parts, t)
		}
	}
	return truncate(strings.Join(parts, ", "))
}

const maxText = 200

// truncate caps s at maxText bytes, cutting before the character that crosses the bound so the
// summary stays valid UTF-8 (protobuf strings must be).
func truncate(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
