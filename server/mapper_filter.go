package server

import (
	"encoding/json"
	"fmt"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

var operators = map[attiov1.FilterOperator]string{
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

// fromFilter translates the typed tree into Attio's verbose filter syntax. A nil filter is nil
// (no filter), so the request body omits it. A tree beyond interceptors.MaxFilterNodes or
// MaxFilterDepth is refused before any of it is translated, so translation cost stays bounded
// whoever calls it.
func fromFilter(f *attiov1.Filter) (any, error) {
	if f == nil {
		return nil, nil
	}
	if err := interceptors.CheckFilter(f); err != nil {
		return nil, err
	}
	return translateFilter(f)
}

func translateFilter(f *attiov1.Filter) (any, error) {
	if f == nil {
		return nil, nil
	}
	switch n := f.GetNode().(type) {
	case *attiov1.Filter_All:
		return fromFilterList("$and", n.All)
	case *attiov1.Filter_Any:
		return fromFilterList("$or", n.Any)
	case *attiov1.Filter_Negate:
		inner, err := translateFilter(n.Negate)
		if err != nil {
			return nil, err
		}
		return map[string]any{"$not": inner}, nil
	case *attiov1.Filter_Condition:
		return fromCondition(n.Condition)
	case *attiov1.Filter_Path:
		path := make([][]string, 0, len(n.Path.GetPath()))
		for _, s := range n.Path.GetPath() {
			path = append(path, []string{s.GetObject(), s.GetAttribute()})
		}
		// Inside constraints a condition's attribute names a property of the last step's
		// attribute ("email_domain", "target_record_id", "value"), as Attio's path filters expect.
		constraints, err := translateFilter(n.Path.GetConstraints())
		if err != nil {
			return nil, err
		}
		return map[string]any{"path": path, "constraints": constraints}, nil
	case *attiov1.Filter_RawJson:
		raw := json.RawMessage(n.RawJson)
		if !isJSONObject(raw) {
			return nil, fmt.Errorf("raw_json is not a JSON object")
		}
		return raw, nil
	default:
		return nil, fmt.Errorf("filter node is empty")
	}
}

func fromFilterList(op string, l *attiov1.FilterList) (any, error) {
	items := make([]any, 0, len(l.GetFilters()))
	for i, f := range l.GetFilters() {
		v, err := translateFilter(f)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", op, i, err)
		}
		items = append(items, v)
	}
	return map[string]any{op: items}, nil
}

func fromCondition(c *attiov1.Condition) (any, error) {
	op, ok := operators[c.GetOp()]
	if !ok {
		return nil, fmt.Errorf("condition on %q: operator is unspecified", c.GetAttribute())
	}
	var operand any
	switch v := c.GetOperand().(type) {
	case *attiov1.Condition_StringValue:
		operand = v.StringValue
	case *attiov1.Condition_NumberValue:
		operand = json.Number(v.NumberValue.GetValue())
	case *attiov1.Condition_BoolValue:
		operand = v.BoolValue
	case *attiov1.Condition_TimestampValue:
		operand = fromTimestamp(v.TimestampValue)
	case *attiov1.Condition_StringList:
		operand = v.StringList.GetValues()
	case nil:
		if c.GetOp() != attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY {
			return nil, fmt.Errorf("condition on %q: %s needs an operand", c.GetAttribute(), op)
		}
		operand = true
	}
	if c.GetOp() == attiov1.FilterOperator_FILTER_OPERATOR_IN {
		if _, isList := operand.([]string); !isList {
			return nil, fmt.Errorf("condition on %q: $in needs string_list", c.GetAttribute())
		}
	}
	cond := map[string]any{op: operand}
	if c.GetField() != "" {
		return map[string]any{c.GetAttribute(): map[string]any{c.GetField(): cond}}, nil
	}
	return map[string]any{c.GetAttribute(): cond}, nil
}

func fromSorts(sorts []*attiov1.Sort) []attio.Sort {
	if len(sorts) == 0 {
		return nil
	}
	out := make([]attio.Sort, 0, len(sorts))
	for _, s := range sorts {
		dir := "asc"
		if s.GetDirection() == attiov1.SortDirection_SORT_DIRECTION_DESC {
			dir = "desc"
		}
		as := attio.Sort{Direction: dir, Attribute: s.GetAttribute(), Field: s.GetField()}
		if len(s.GetPath()) > 0 {
			for _, p := range s.GetPath() {
				as.Path = append(as.Path, []string{p.GetObject(), p.GetAttribute()})
			}
			// Attio sorts by the last step's attribute when a path is given.
			as.Attribute = ""
		}
		out = append(out, as)
	}
	return out
}

func toStatus(s *attio.Status) *attiov1.Status {
	if s == nil {
		return nil
	}
	return &attiov1.Status{
		Id:                 &attiov1.StatusId{WorkspaceId: s.ID.WorkspaceID, ObjectId: s.ID.ObjectID, AttributeId: s.ID.AttributeID, StatusId: s.ID.StatusID},
		Title:              s.Title,
		IsArchived:         s.IsArchived,
		CelebrationEnabled: s.CelebrationEnabled,
		TargetTimeInStatus: s.TargetTimeInStatus,
		ExtraJson:          extrasOf(s.Extra).json(),
	}
}

func toSelectOption(o *attio.SelectOption) *attiov1.SelectOption {
	if o == nil {
		return nil
	}
	return &attiov1.SelectOption{
		Id:         &attiov1.SelectOptionId{WorkspaceId: o.ID.WorkspaceID, ObjectId: o.ID.ObjectID, AttributeId: o.ID.AttributeID, OptionId: o.ID.OptionID},
		Title:      o.Title,
		IsArchived: o.IsArchived,
		ExtraJson:  extrasOf(o.Extra).json(),
	}
}
