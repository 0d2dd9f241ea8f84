package server

import (
	"math/big"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

// A watch's filter is evaluated by the facade, on the record or entry fetched for a change: a
// change has no query to send it to. checkWatchFilter refuses at the start what matchFilter cannot
// evaluate: paths and raw JSON (both need Attio's query engine), beside the size limits every
// filter has.
func checkWatchFilter(f *attiov1.Filter) error {
	if f == nil {
		return nil
	}
	if err := interceptors.CheckFilter(f); err != nil {
		return err
	}
	return checkWatchNode(f)
}

func checkWatchNode(f *attiov1.Filter) error {
	switch n := f.GetNode().(type) {
	case *attiov1.Filter_All:
		return checkWatchList(n.All.GetFilters())
	case *attiov1.Filter_Any:
		return checkWatchList(n.Any.GetFilters())
	case *attiov1.Filter_Negate:
		return checkWatchNode(n.Negate)
	case *attiov1.Filter_Condition:
		return nil
	}
	return connect.NewError(connect.CodeInvalidArgument,
		"filter: a watch evaluates all, any, negate and condition nodes on the changed record; path and raw_json filters need Attio's query engine (docs/changes.md)")
}

func checkWatchList(fs []*attiov1.Filter) error {
	for _, f := range fs {
		if err := checkWatchNode(f); err != nil {
			return err
		}
	}
	return nil
}

// matchFilter reports whether values (a record's values or an entry's entry_values) match f. A
// condition holds when one of the attribute's current values (no active_until) does.
func matchFilter(f *attiov1.Filter, values map[string]*attiov1.ValueList) bool {
	switch n := f.GetNode().(type) {
	case *attiov1.Filter_All:
		for _, g := range n.All.GetFilters() {
			if !matchFilter(g, values) {
				return false
			}
		}
		return true
	case *attiov1.Filter_Any:
		for _, g := range n.Any.GetFilters() {
			if matchFilter(g, values) {
				return true
			}
		}
		return false
	case *attiov1.Filter_Negate:
		return !matchFilter(n.Negate, values)
	case *attiov1.Filter_Condition:
		for _, v := range values[n.Condition.GetAttribute()].GetValues() {
			if v.GetActiveUntil() == nil && matchCondition(n.Condition, v) {
				return true
			}
		}
	}
	return false
}

// operandOf is what a condition compares: the value's own field when the condition names one
// (e.g. "first_name" of a personal name, "email_domain" of an email address), else its main one.
func operandOf(c *attiov1.Condition, v *attiov1.Value) (any, bool) {
	if c.GetField() != "" {
		m := v.ProtoReflect()
		od := m.Descriptor().Oneofs().ByName("value")
		fd := m.WhichOneof(od)
		if fd == nil || fd.Message() == nil {
			return nil, false
		}
		sub := m.Get(fd).Message()
		f := sub.Descriptor().Fields().ByName(protoreflect.Name(c.GetField()))
		if f == nil || f.IsList() || f.IsMap() || f.Message() != nil {
			return nil, false
		}
		return sub.Get(f).Interface(), true
	}
	return valueOperand(v)
}

func matchCondition(c *attiov1.Condition, v *attiov1.Value) bool {
	got, ok := operandOf(c, v)
	if !ok {
		return false
	}
	op := c.GetOp()
	switch op {
	case attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY:
		return true
	case attiov1.FilterOperator_FILTER_OPERATOR_IN:
		s := scalarString(got)
		for _, w := range c.GetStringList().GetValues() {
			if s == w {
				return true
			}
		}
		return false
	case attiov1.FilterOperator_FILTER_OPERATOR_CONTAINS, attiov1.FilterOperator_FILTER_OPERATOR_STARTS_WITH, attiov1.FilterOperator_FILTER_OPERATOR_ENDS_WITH:
		s, w := strings.ToLower(scalarString(got)), strings.ToLower(c.GetStringValue())
		switch op {
		case attiov1.FilterOperator_FILTER_OPERATOR_CONTAINS:
			return strings.Contains(s, w)
		case attiov1.FilterOperator_FILTER_OPERATOR_STARTS_WITH:
			return strings.HasPrefix(s, w)
		}
		return strings.HasSuffix(s, w)
	}
	cmp, ok := compareOperand(got, c)
	if !ok {
		return false
	}
	switch op {
	case attiov1.FilterOperator_FILTER_OPERATOR_EQ:
		return cmp == 0
	case attiov1.FilterOperator_FILTER_OPERATOR_LT:
		return cmp < 0
	case attiov1.FilterOperator_FILTER_OPERATOR_LTE:
		return cmp <= 0
	case attiov1.FilterOperator_FILTER_OPERATOR_GT:
		return cmp > 0
	case attiov1.FilterOperator_FILTER_OPERATOR_GTE:
		return cmp >= 0
	}
	return false
}

// compareOperand orders the value got against the condition's operand: numbers exactly, times as
// times, booleans for equality, anything else as strings.
func compareOperand(got any, c *attiov1.Condition) (int, bool) {
	switch g := got.(type) {
	case *big.Rat:
		var w *big.Rat
		switch o := c.GetOperand().(type) {
		case *attiov1.Condition_NumberValue:
			w, _ = new(big.Rat).SetString(o.NumberValue.GetValue())
		case *attiov1.Condition_StringValue:
			w, _ = new(big.Rat).SetString(o.StringValue)
		}
		if w == nil {
			return 0, false
		}
		return g.Cmp(w), true
	case time.Time:
		var w time.Time
		switch o := c.GetOperand().(type) {
		case *attiov1.Condition_TimestampValue:
			w = o.TimestampValue.AsTime()
		case *attiov1.Condition_StringValue:
			var err error
			if w, err = time.Parse(time.RFC3339Nano, o.StringValue); err != nil {
				return 0, false
			}
		default:
			return 0, false
		}
		return g.Compare(w), true
	case bool:
		o, ok := c.GetOperand().(*attiov1.Condition_BoolValue)
		if !ok || c.GetOp() != attiov1.FilterOperator_FILTER_OPERATOR_EQ {
			return 0, false
		}
		if g == o.BoolValue {
			return 0, true
		}
		return 1, true
	}
	o, ok := c.GetOperand().(*attiov1.Condition_StringValue)
	if !ok {
		return 0, false
	}
	return strings.Compare(scalarString(got), o.StringValue), true
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case *big.Rat:
		return x.RatString()
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case int32:
		return strconv.Itoa(int(x))
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}
