package sandbox

import (
	"math"
	"sort"
	"strings"
)

// attrFilter compiles the filter for one attribute: shorthand value, operator
// object, or sub-property object ({"email_domain": {"$eq": ...}}).
func (fc *filterCompiler) attrFilter(a *attribute, spec any) (pred, tsRange, *apiError) {
	m, isMap := spec.(map[string]any)
	if !isMap {
		if _, isArr := spec.([]any); isArr {
			return nil, fullRange, filterError("Invalid filter value for attribute \"%s\".", a.slug)
		}
		p, err := fc.property(a, "")
		if err != nil {
			return nil, fullRange, err
		}
		return fc.leaf(a, p, "$eq", spec)
	}
	var preds []pred
	rng := fullRange
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		if strings.HasPrefix(k, "$") {
			if !operators[k] {
				return nil, fullRange, filterError("Unknown operator \"%s\".", k)
			}
			p, err := fc.property(a, "")
			if err != nil {
				return nil, fullRange, err
			}
			lp, r, err := fc.leaf(a, p, k, v)
			if err != nil {
				return nil, fullRange, err
			}
			preds = append(preds, lp)
			rng = rng.and(r)
			continue
		}
		p, err := fc.property(a, k)
		if err != nil {
			return nil, fullRange, err
		}
		if sub, ok := v.(map[string]any); ok {
			for op, operand := range sub {
				if !operators[op] {
					return nil, fullRange, filterError("Unknown operator \"%s\".", op)
				}
				lp, _, err := fc.leaf(a, p, op, operand)
				if err != nil {
					return nil, fullRange, err
				}
				preds = append(preds, lp)
			}
			continue
		}
		lp, _, err := fc.leaf(a, p, "$eq", v)
		if err != nil {
			return nil, fullRange, err
		}
		preds = append(preds, lp)
	}
	if len(preds) == 0 {
		return nil, fullRange, filterError("Empty filter for attribute \"%s\".", a.slug)
	}
	return func(it *item) bool {
		for _, p := range preds {
			if !p(it) {
				return false
			}
		}
		return true
	}, rng, nil
}

// leaf compiles one comparison. A multi-value attribute matches when any of
// its active values does; $not_empty looks at whether any value exists.
func (fc *filterCompiler) leaf(a *attribute, p prop, op string, operand any) (pred, tsRange, *apiError) {
	rng := fullRange
	if valueTypes[a.typ].eqOnly && op != "$eq" && op != "$not_empty" {
		// Actor references compare by identity: Attio accepts $eq and answers $contains, $in
		// and the rest with a filter error. The spec does not describe filter operators, so
		// this follows Attio's answers; $not_empty, the existence check every attribute type
		// takes, stays accepted.
		return nil, rng, filterError("Operator \"%s\" is not supported for attribute \"%s\" of type %s, only $eq.", op, a.slug, a.typ)
	}
	if op == "$not_empty" {
		want, ok := operand.(bool)
		if !ok {
			return nil, rng, filterError("$not_empty expects a boolean.")
		}
		return func(it *item) bool { return hasValue(a, it) == want }, rng, nil
	}
	var operands []any
	if op == "$in" {
		arr, ok := operand.([]any)
		if !ok {
			return nil, rng, filterError("$in expects an array.")
		}
		operands = arr
	} else {
		operands = []any{operand}
	}
	var test func(it *item, v *value) bool
	switch p.kind {
	case kString, kDate, kChoice:
		var strs []string
		for _, o := range operands {
			s, ok := o.(string)
			if !ok {
				return nil, rng, filterError("Expected a string operand for %s on attribute \"%s\".", op, a.slug)
			}
			if p.kind == kDate {
				d, ok := coerceDate(s)
				if !ok {
					return nil, rng, filterError("Invalid date \"%s\".", s)
				}
				s = d
			}
			strs = append(strs, s)
		}
		get := p.str
		cmp := func(x, y string) bool { return x == y }
		if p.fold {
			cmp = strings.EqualFold
		}
		switch op {
		case "$eq", "$in":
			if p.kind == kChoice {
				test = func(it *item, v *value) bool {
					title, id := get(a, it, v), v.ref.String()
					for _, s := range strs {
						if s == title || s == id {
							return true
						}
					}
					return false
				}
			} else {
				test = func(it *item, v *value) bool {
					x := get(a, it, v)
					for _, s := range strs {
						if cmp(x, s) {
							return true
						}
					}
					return false
				}
			}
		case "$contains", "$starts_with", "$ends_with":
			if p.kind == kDate {
				return nil, rng, filterError("%s is not supported for attribute \"%s\".", op, a.slug)
			}
			needle := strings.ToLower(strs[0])
			f := strings.Contains
			if op == "$starts_with" {
				f = strings.HasPrefix
			} else if op == "$ends_with" {
				f = strings.HasSuffix
			}
			test = func(it *item, v *value) bool { return f(strings.ToLower(get(a, it, v)), needle) }
		default: // $lt $lte $gt $gte
			if p.kind != kDate && !p.order {
				return nil, rng, filterError("%s is not supported for attribute \"%s\" of type %s.", op, a.slug, a.typ)
			}
			ref := strs[0]
			test = func(it *item, v *value) bool { return cmpOrder(op, strings.Compare(get(a, it, v), ref)) }
		}
	case kNumber, kBool:
		var nums []float64
		for _, o := range operands {
			var f float64
			if p.kind == kBool {
				b, ok := o.(bool)
				if !ok {
					if s, ok2 := o.(string); ok2 && (s == "true" || s == "false") {
						b, ok = s == "true", true
					}
				}
				if !ok {
					return nil, rng, filterError("Expected a boolean operand on attribute \"%s\".", a.slug)
				}
				if b {
					f = 1
				}
			} else {
				var ok bool
				f, ok = asNumber(o)
				if !ok {
					return nil, rng, filterError("Expected a number operand on attribute \"%s\".", a.slug)
				}
			}
			nums = append(nums, f)
		}
		switch op {
		case "$eq", "$in":
			test = func(_ *item, v *value) bool {
				x := p.num(v)
				for _, n := range nums {
					if x == n {
						return true
					}
				}
				return false
			}
		case "$lt", "$lte", "$gt", "$gte":
			if p.kind == kBool {
				return nil, rng, filterError("%s is not supported for checkbox attributes.", op)
			}
			ref := nums[0]
			test = func(_ *item, v *value) bool {
				x := p.num(v)
				c := 0
				if x < ref {
					c = -1
				} else if x > ref {
					c = 1
				}
				return cmpOrder(op, c)
			}
		default:
			return nil, rng, filterError("%s is not supported for attribute \"%s\" of type %s.", op, a.slug, a.typ)
		}
	case kTime:
		var ts []int64
		for _, o := range operands {
			s, ok := o.(string)
			n, ok2 := coerceTimestamp(s)
			if !ok || !ok2 {
				return nil, rng, filterError("Invalid timestamp operand for attribute \"%s\".", a.slug)
			}
			ts = append(ts, n)
		}
		ref := ts[0]
		switch op {
		case "$eq", "$in":
			test = func(it *item, v *value) bool {
				x := p.tim(it, v)
				for _, n := range ts {
					if x == n {
						return true
					}
				}
				return false
			}
			if a.derived == dCreatedAt && op == "$eq" {
				rng = tsRange{ref, ref}
			}
		case "$lt", "$lte", "$gt", "$gte":
			test = func(it *item, v *value) bool {
				x := p.tim(it, v)
				c := 0
				if x < ref {
					c = -1
				} else if x > ref {
					c = 1
				}
				return cmpOrder(op, c)
			}
			if a.derived == dCreatedAt {
				switch op {
				case "$lt":
					rng = tsRange{math.MinInt64, ref - 1}
				case "$lte":
					rng = tsRange{math.MinInt64, ref}
				case "$gt":
					rng = tsRange{ref + 1, math.MaxInt64}
				case "$gte":
					rng = tsRange{ref, math.MaxInt64}
				}
			}
		default:
			return nil, rng, filterError("%s is not supported for attribute \"%s\" of type %s.", op, a.slug, a.typ)
		}
	}
	if a.derived != dNone {
		// Derived attributes have exactly one value, computed from the item.
		var dummy value
		return func(it *item) bool { return test(it, &dummy) }, rng, nil
	}
	idx := a.idx
	return func(it *item) bool {
		for i := range it.vals {
			v := &it.vals[i]
			if v.attr == idx && v.until == 0 && test(it, v) {
				return true
			}
		}
		return false
	}, rng, nil
}

func cmpOrder(op string, c int) bool {
	switch op {
	case "$lt":
		return c < 0
	case "$lte":
		return c <= 0
	case "$gt":
		return c > 0
	case "$gte":
		return c >= 0
	}
	return false
}

func hasValue(a *attribute, it *item) bool {
	if a.derived != dNone {
		return true
	}
	for i := range it.vals {
		if it.vals[i].attr == a.idx && it.vals[i].until == 0 {
			return true
		}
	}
	return false
}
