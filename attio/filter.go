package attio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Filter is a records or entries filter in Attio's verbose syntax. Only this package's
// constructors make one, so every filter the client sends was encoded here; the zero Filter is
// "no filter" and is left out of the request body.
type Filter struct {
	raw json.RawMessage
}

// IsZero reports whether f is "no filter" (json omitzero leaves it out).
func (f Filter) IsZero() bool { return len(f.raw) == 0 }

// MarshalJSON writes the encoded filter; the zero Filter is null.
func (f Filter) MarshalJSON() ([]byte, error) {
	if f.IsZero() {
		return []byte("null"), nil
	}
	return f.raw, nil
}

// filterOperators is the one table of Attio's comparison operators.
var filterOperators = map[attiov1.FilterOperator]string{
	attiov1.FilterOperator_FILTER_OPERATOR_EQ:          "$eq",
	attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY:   "$not_empty",
	attiov1.FilterOperator_FILTER_OPERATOR_IN:          "$in",
	attiov1.FilterOperator_FILTER_OPERATOR_CONTAINS:    "$contains",
	attiov1.FilterOperator_FILTER_OPERATOR_STARTS_WITH: "$starts_with",
	attiov1.FilterOperator_FILTER_OPERATOR_ENDS_WITH:   "$ends_with",
	attiov1.FilterOperator_FILTER_OPERATOR_LT:          "$lt",
	attiov1.FilterOperator_FILTER_OPERATOR_LTE:         "$lte",
	attiov1.FilterOperator_FILTER_OPERATOR_GT:          "$gt",
	attiov1.FilterOperator_FILTER_OPERATOR_GTE:         "$gte",
}

// filterTime is how times go into filters: RFC 3339 in UTC with all nine fractional digits, the
// form Attio returns, so bounds compare exactly.
const filterTime = "2006-01-02T15:04:05.000000000Z07:00"

// FilterOf encodes the contract's filter tree; nil is the zero Filter. A tree that cannot be
// expressed (an empty node, a missing or mistyped operand, raw_json that is not an object) is an
// error for the caller's request. The caller bounds the tree's size first (interceptors.CheckFilter).
func FilterOf(f *attiov1.Filter) (Filter, error) {
	if f == nil {
		return Filter{}, nil
	}
	var b bytes.Buffer
	if err := encodeFilter(&b, f); err != nil {
		return Filter{}, err
	}
	return Filter{raw: b.Bytes()}, nil
}

// RawFilter is a filter already in Attio's language (the contract's raw_json escape hatch); it
// must be one JSON object.
func RawFilter(raw json.RawMessage) (Filter, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return Filter{}, fmt.Errorf("raw_json is not a JSON object")
	}
	return Filter{raw: bytes.Clone(raw)}, nil
}

// AllOf is the $and of the non-zero filters: the zero Filter for none, the filter itself for one.
func AllOf(fs ...Filter) Filter {
	var parts [][]byte
	for _, f := range fs {
		if !f.IsZero() {
			parts = append(parts, f.raw)
		}
	}
	switch len(parts) {
	case 0:
		return Filter{}
	case 1:
		return Filter{raw: parts[0]}
	}
	var b bytes.Buffer
	b.WriteString(`{"$and":[`)
	b.Write(bytes.Join(parts, []byte(",")))
	b.WriteString(`]}`)
	return Filter{raw: b.Bytes()}
}

// CompareTime is a condition on a timestamp attribute, such as created_at $gte t.
func CompareTime(attribute string, op attiov1.FilterOperator, t time.Time) (Filter, error) {
	var b bytes.Buffer
	err := encodeCondition(&b, &attiov1.Condition{Attribute: attribute, Op: op}, func(b *bytes.Buffer) {
		writeJSON(b, t.UTC().Format(filterTime))
	})
	return Filter{raw: b.Bytes()}, err
}

func writeJSON(b *bytes.Buffer, v any) {
	enc, _ := json.Marshal(v) // strings, bools and string slices always marshal
	b.Write(enc)
}

func encodeFilter(b *bytes.Buffer, f *attiov1.Filter) error {
	switch n := f.GetNode().(type) {
	case *attiov1.Filter_All:
		return encodeFilterList(b, "$and", n.All)
	case *attiov1.Filter_Any:
		return encodeFilterList(b, "$or", n.Any)
	case *attiov1.Filter_Negate:
		b.WriteString(`{"$not":`)
		if n.Negate == nil {
			return fmt.Errorf("$not: filter node is empty")
		}
		if err := encodeFilter(b, n.Negate); err != nil {
			return err
		}
		b.WriteString(`}`)
		return nil
	case *attiov1.Filter_Condition:
		return encodeCondition(b, n.Condition, nil)
	case *attiov1.Filter_Path:
		// Inside constraints a condition's attribute names a property of the last step's
		// attribute ("email_domain", "target_record_id", "value"), as Attio's path filters expect.
		b.WriteString(`{"path":[`)
		for i, s := range n.Path.GetPath() {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, []string{s.GetObject(), s.GetAttribute()})
		}
		b.WriteString(`],"constraints":`)
		if n.Path.GetConstraints() == nil {
			return fmt.Errorf("path: constraints are empty")
		}
		if err := encodeFilter(b, n.Path.GetConstraints()); err != nil {
			return err
		}
		b.WriteString(`}`)
		return nil
	case *attiov1.Filter_RawJson:
		raw, err := RawFilter(json.RawMessage(n.RawJson))
		if err != nil {
			return err
		}
		b.Write(raw.raw)
		return nil
	default:
		return fmt.Errorf("filter node is empty")
	}
}

func encodeFilterList(b *bytes.Buffer, op string, l *attiov1.FilterList) error {
	b.WriteString(`{"` + op + `":[`)
	for i, f := range l.GetFilters() {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encodeFilter(b, f); err != nil {
			return fmt.Errorf("%s[%d]: %w", op, i, err)
		}
	}
	b.WriteString(`]}`)
	return nil
}

// encodeCondition writes {"attr": {"$op": operand}} or {"attr": {"field": {"$op": operand}}};
// operand, when given, writes the operand instead of the condition's own.
func encodeCondition(b *bytes.Buffer, c *attiov1.Condition, operand func(*bytes.Buffer)) error {
	op, ok := filterOperators[c.GetOp()]
	if !ok {
		return fmt.Errorf("condition on %q: operator is unspecified", c.GetAttribute())
	}
	if operand == nil {
		var err error
		if operand, err = conditionOperand(c, op); err != nil {
			return err
		}
	}
	b.WriteByte('{')
	writeJSON(b, c.GetAttribute())
	b.WriteByte(':')
	if c.GetField() != "" {
		b.WriteByte('{')
		writeJSON(b, c.GetField())
		b.WriteByte(':')
	}
	b.WriteString(`{"` + op + `":`)
	operand(b)
	b.WriteString(`}}`)
	if c.GetField() != "" {
		b.WriteByte('}')
	}
	return nil
}

// conditionOperand checks the operand against the operator and returns its encoder: one case
// per operand type.
func conditionOperand(c *attiov1.Condition, op string) (func(*bytes.Buffer), error) {
	if _, list := c.GetOperand().(*attiov1.Condition_StringList); c.GetOp() == attiov1.FilterOperator_FILTER_OPERATOR_IN && !list {
		return nil, fmt.Errorf("condition on %q: $in needs string_list", c.GetAttribute())
	}
	switch v := c.GetOperand().(type) {
	case *attiov1.Condition_StringValue:
		return func(b *bytes.Buffer) { writeJSON(b, v.StringValue) }, nil
	case *attiov1.Condition_NumberValue:
		// Exact decimal digits (validated by the contract's Decimal pattern), never a float.
		if !json.Valid([]byte(v.NumberValue.GetValue())) {
			return nil, fmt.Errorf("condition on %q: number_value %q is not a number", c.GetAttribute(), v.NumberValue.GetValue())
		}
		return func(b *bytes.Buffer) { b.WriteString(v.NumberValue.GetValue()) }, nil
	case *attiov1.Condition_BoolValue:
		return func(b *bytes.Buffer) { writeJSON(b, v.BoolValue) }, nil
	case *attiov1.Condition_TimestampValue:
		return func(b *bytes.Buffer) { writeJSON(b, v.TimestampValue.AsTime().UTC().Format(filterTime)) }, nil
	case *attiov1.Condition_StringList:
		vals := v.StringList.GetValues()
		if vals == nil {
			vals = []string{}
		}
		return func(b *bytes.Buffer) { writeJSON(b, vals) }, nil
	case nil:
		if c.GetOp() != attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY {
			return nil, fmt.Errorf("condition on %q: %s needs an operand", c.GetAttribute(), op)
		}
		return func(b *bytes.Buffer) { b.WriteString("true") }, nil
	}
	return nil, fmt.Errorf("condition on %q: unknown operand", c.GetAttribute())
}
