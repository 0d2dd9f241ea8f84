package sandbox

import (
	"bytes"
	"math"
	"sort"
	"strconv"
	"strings"
)

type pred func(it *item) bool

// tsRange bounds created_at (inclusive) for every item a filter can match;
// the query planner turns it into a binary search over the sorted items.
type tsRange struct{ lo, hi int64 }

var fullRange = tsRange{math.MinInt64, math.MaxInt64}

func (r tsRange) and(o tsRange) tsRange {
	return tsRange{max(r.lo, o.lo), min(r.hi, o.hi)}
}

func (r tsRange) or(o tsRange) tsRange {
	return tsRange{min(r.lo, o.lo), max(r.hi, o.hi)}
}

type filterCompiler struct {
	ws *workspace
}

var operators = map[string]bool{
	"$eq": true, "$not_empty": true, "$in": true, "$contains": true, "$starts_with": true,
	"$ends_with": true, "$lt": true, "$lte": true, "$gt": true, "$gte": true,
}

func (fc *filterCompiler) compile(c *collection, f any) (pred, tsRange, *apiError) {
	m, ok := f.(map[string]any)
	if !ok {
		return nil, fullRange, filterError("Filter must be an object.")
	}
	if _, ok := m["path"]; ok {
		p, err := fc.compilePath(c, m)
		return p, fullRange, err
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
		switch k {
		case "$and", "$or":
			arr, ok := v.([]any)
			if !ok {
				return nil, fullRange, filterError("%s expects an array of filters.", k)
			}
			var subs []pred
			sub := fullRange
			if k == "$or" {
				sub = tsRange{math.MaxInt64, math.MinInt64}
			}
			for _, x := range arr {
				p, r, err := fc.compile(c, x)
				if err != nil {
					return nil, fullRange, err
				}
				subs = append(subs, p)
				if k == "$and" {
					sub = sub.and(r)
				} else {
					sub = sub.or(r)
				}
			}
			if k == "$or" && len(arr) == 0 {
				sub = fullRange
			}
			rng = rng.and(sub)
			if k == "$and" {
				preds = append(preds, func(it *item) bool {
					for _, p := range subs {
						if !p(it) {
							return false
						}
					}
					return true
				})
			} else {
				preds = append(preds, func(it *item) bool {
					for _, p := range subs {
						if p(it) {
							return true
						}
					}
					return len(subs) == 0
				})
			}
		case "$not":
			p, _, err := fc.compile(c, v)
			if err != nil {
				return nil, fullRange, err
			}
			preds = append(preds, func(it *item) bool { return !p(it) })
		default:
			if strings.HasPrefix(k, "$") {
				return nil, fullRange, filterError("Unknown operator \"%s\".", k)
			}
			a := c.attr(k)
			if a == nil {
				return nil, fullRange, filterError("Unknown attribute slug or ID \"%s\" in filter.", k)
			}
			p, r, err := fc.attrFilter(a, v)
			if err != nil {
				return nil, fullRange, err
			}
			rng = rng.and(r)
			preds = append(preds, p)
		}
	}
	if len(preds) == 1 {
		return preds[0], rng, nil
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

// compilePath follows record-reference attributes (or a list entry's
// parent_record) and applies the constraints on the last attribute.
func (fc *filterCompiler) compilePath(c *collection, m map[string]any) (pred, *apiError) {
	raw, ok := m["path"].([]any)
	if !ok || len(raw) == 0 {
		return nil, filterError("path must be a non-empty array of [object, attribute] pairs.")
	}
	cons, ok := m["constraints"]
	if !ok {
		return nil, filterError("A path filter needs constraints.")
	}
	type step struct {
		coll *collection
		a    *attribute // nil for parent_record
	}
	var steps []step
	cur := c
	for i, r := range raw {
		pair, ok := r.([]any)
		if !ok || len(pair) != 2 {
			return nil, filterError("path[%d] must be a pair [object, attribute].", i)
		}
		cs, _ := pair[0].(string)
		as, _ := pair[1].(string)
		var coll *collection
		if cur.isList {
			coll = fc.ws.list(cs)
		} else {
			coll = fc.ws.object(cs)
		}
		if coll == nil || (cur != nil && coll != cur) {
			return nil, filterError("path[%d] refers to \"%s\" which is not the object reached at that step.", i, cs)
		}
		last := i == len(raw)-1
		if as == "parent_record" && coll.isList && !last {
			steps = append(steps, step{coll: coll})
			cur = nil
			if len(coll.parents) == 1 {
				for _, o := range fc.ws.objects {
					if o.id == coll.parents[0] {
						cur = o
					}
				}
			}
			if cur == nil {
				return nil, filterError("Cannot resolve parent object of list \"%s\".", cs)
			}
			continue
		}
		a := coll.attr(as)
		if a == nil {
			return nil, filterError("Unknown attribute \"%s\" on \"%s\".", as, cs)
		}
		steps = append(steps, step{coll: coll, a: a})
		if last {
			break
		}
		if a.typ != tRecordRef {
			return nil, filterError("Attribute \"%s\" in path is not a record reference.", as)
		}
		next, _ := raw[i+1].([]any)
		if len(next) != 2 {
			return nil, filterError("path[%d] must be a pair [object, attribute].", i+1)
		}
		ns, _ := next[0].(string)
		cur = fc.ws.object(ns)
		if cur == nil {
			return nil, filterError("Unknown object \"%s\" in path.", ns)
		}
	}
	lastStep := steps[len(steps)-1]
	leaf, _, err := fc.attrFilter(lastStep.a, cons)
	if err != nil {
		return nil, err
	}
	hops := steps[:len(steps)-1]
	ws := fc.ws
	var walk func(depth int, it *item) bool
	walk = func(depth int, it *item) bool {
		if depth == len(hops) {
			return leaf(it)
		}
		h := hops[depth]
		if h.a == nil {
			if it.parentObj < 0 || int(it.parentObj) >= len(ws.objects) {
				return false
			}
			p := ws.objects[it.parentObj].byID[it.parentRec]
			return p != nil && walk(depth+1, p)
		}
		var nextColl *collection
		if depth+1 < len(steps) {
			nextColl = steps[depth+1].coll
		}
		for i := range it.vals {
			v := &it.vals[i]
			if v.attr != h.a.idx || v.until != 0 {
				continue
			}
			if int(v.aux) >= len(ws.objects) || (nextColl != nil && ws.objects[v.aux] != nextColl) {
				continue
			}
			if t := ws.objects[v.aux].byID[v.ref]; t != nil && walk(depth+1, t) {
				return true
			}
		}
		return false
	}
	return func(it *item) bool { return walk(0, it) }, nil
}

// propKind says how a property compares.
type propKind uint8

const (
	kString propKind = iota
	kNumber
	kTime // nanoseconds
	kDate // YYYY-MM-DD string
	kBool
	kChoice // select/status: matches title or id
)

// prop extracts one comparable field from a value.
type prop struct {
	kind  propKind
	fold  bool // compare case-insensitively on $eq (emails, domains)
	order bool // $lt.. allowed on strings (record_id)
	str   func(a *attribute, it *item, v *value) string
	num   func(v *value) float64
	tim   func(it *item, v *value) int64
}

func (fc *filterCompiler) property(a *attribute, name string) (prop, *apiError) {
	ws := fc.ws
	s := func(f func(v *value) string) func(*attribute, *item, *value) string {
		return func(_ *attribute, _ *item, v *value) string { return f(v) }
	}
	plain := prop{kind: kString, str: s(func(v *value) string { return v.s })}
	switch a.derived {
	case dRecordID:
		if name == "" || name == "value" {
			return prop{kind: kString, order: true, str: func(_ *attribute, it *item, _ *value) string { return it.id.String() }}, nil
		}
	case dCreatedAt:
		if name == "" || name == "value" {
			return prop{kind: kTime, tim: func(it *item, _ *value) int64 { return it.createdAt }}, nil
		}
	case dCreatedBy:
		switch name {
		case "", "referenced_actor_id":
			return prop{kind: kString, str: func(_ *attribute, it *item, _ *value) string {
				act := ws.actors[it.createdBy]
				if act.typ == "system" {
					return ""
				}
				return act.id.String()
			}}, nil
		case "referenced_actor_type":
			return prop{kind: kString, str: func(_ *attribute, it *item, _ *value) string { return ws.actors[it.createdBy].typ }}, nil
		}
	}
	bad := func() (prop, *apiError) {
		return prop{}, filterError("Unknown property \"%s\" for attribute \"%s\" of type %s.", name, a.slug, a.typ)
	}
	switch a.typ {
	case tText:
		if name == "" || name == "value" {
			return plain, nil
		}
	case tNumber, tRating:
		if name == "" || name == "value" {
			return prop{kind: kNumber, num: func(v *value) float64 { return v.f }}, nil
		}
	case tCheckbox:
		if name == "" || name == "value" {
			return prop{kind: kBool, num: func(v *value) float64 { return v.f }}, nil
		}
	case tCurrency:
		switch name {
		case "", "currency_value":
			return prop{kind: kNumber, num: func(v *value) float64 { return v.f }}, nil
		case "currency_code":
			return prop{kind: kString, str: s(func(v *value) string { code, _ := splitCurrency(v.s); return code })}, nil
		}
	case tDate:
		if name == "" || name == "value" {
			return prop{kind: kDate, str: s(func(v *value) string { return v.s })}, nil
		}
	case tTimestamp:
		if name == "" || name == "value" {
			return prop{kind: kTime, tim: func(_ *item, v *value) int64 { n, _ := coerceTimestamp(v.s); return n }}, nil
		}
	case tSelect:
		switch name {
		case "", "option":
			return prop{kind: kChoice}, nil
		case "title":
			return prop{kind: kString, str: func(a *attribute, _ *item, v *value) string {
				if o := a.optionByID(v.ref); o != nil {
					return o.title
				}
				return ""
			}}, nil
		case "id", "option_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		}
	case tStatus:
		switch name {
		case "", "status":
			return prop{kind: kChoice}, nil
		case "title":
			return prop{kind: kString, str: func(a *attribute, _ *item, v *value) string {
				if o := a.statusByID(v.ref); o != nil {
					return o.title
				}
				return ""
			}}, nil
		case "id", "status_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		}
	case tRecordRef:
		switch name {
		case "", "target_record_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		case "target_object":
			return prop{kind: kString, str: s(func(v *value) string {
				if int(v.aux) < len(ws.objects) {
					return ws.objects[v.aux].slug
				}
				return ""
			})}, nil
		}
	case tActorRef:
		switch name {
		case "", "referenced_actor_id":
			return prop{kind: kString, str: s(func(v *value) string { return v.ref.String() })}, nil
		case "referenced_actor_type":
			return prop{kind: kString, str: s(func(v *value) string { return actorTypes[v.aux] })}, nil
		}
	case tDomain:
		switch name {
		case "", "domain":
			return prop{kind: kString, fold: true, str: s(func(v *value) string { return v.s })}, nil
		case "root_domain":
			return prop{kind: kString, fold: true, str: s(func(v *value) string { return rootDomain(v.s) })}, nil
		}
	case tEmail:
		part := func(f func(lower string) string) prop {
			return prop{kind: kString, fold: true, str: s(func(v *value) string { return f(strings.ToLower(v.s)) })}
		}
		switch name {
		case "", "email_address":
			return part(func(l string) string { return l }), nil
		case "original_email_address":
			return prop{kind: kString, str: s(func(v *value) string { return v.s })}, nil
		case "email_domain":
			return part(func(l string) string { _, d, _ := strings.Cut(l, "@"); return d }), nil
		case "email_root_domain":
			return part(func(l string) string { _, d, _ := strings.Cut(l, "@"); return rootDomain(d) }), nil
		case "email_local_specifier":
			return part(func(l string) string { p, _, _ := strings.Cut(l, "@"); return p }), nil
		}
	case tPhone:
		switch name {
		case "", "phone_number":
			return prop{kind: kString, str: s(func(v *value) string { p, _ := splitPhone(v.s); return p })}, nil
		case "original_phone_number":
			return prop{kind: kString, str: s(func(v *value) string { _, o := splitPhone(v.s); return o })}, nil
		case "country_code":
			return prop{kind: kString, str: s(func(v *value) string { return unpackCC(v.aux) })}, nil
		}
	case tPersonalName:
		switch name {
		case "", "full_name":
			return prop{kind: kString, str: s(func(v *value) string { _, _, f := splitName(v.s); return f })}, nil
		case "first_name":
			return prop{kind: kString, str: s(func(v *value) string { f, _, _ := splitName(v.s); return f })}, nil
		case "last_name":
			return prop{kind: kString, str: s(func(v *value) string { _, l, _ := splitName(v.s); return l })}, nil
		}
	case tLocation:
		get := map[string]func(e *valueExt) string{
			"line_1": func(e *valueExt) string { return e.lines[0] }, "line_2": func(e *valueExt) string { return e.lines[1] },
			"line_3": func(e *valueExt) string { return e.lines[2] }, "line_4": func(e *valueExt) string { return e.lines[3] },
			"locality": func(e *valueExt) string { return e.locality }, "region": func(e *valueExt) string { return e.region },
			"postcode": func(e *valueExt) string { return e.postcode }, "country_code": func(e *valueExt) string { return e.country },
			"latitude": func(e *valueExt) string { return e.lat }, "longitude": func(e *valueExt) string { return e.lng },
		}
		if name == "" {
			name = "locality"
		}
		if g := get[name]; g != nil {
			return prop{kind: kString, str: s(func(v *value) string {
				if v.ext == nil {
					return ""
				}
				return g(v.ext)
			})}, nil
		}
	case tInteraction:
		switch name {
		case "", "interacted_at":
			return prop{kind: kTime, tim: func(_ *item, v *value) int64 {
				if v.ext == nil {
					return 0
				}
				return v.ext.interactedAt
			}}, nil
		case "interaction_type":
			return prop{kind: kString, str: s(func(v *value) string { return interactionTypes[v.aux] })}, nil
		case "owner_member_id":
			// Documented on the interaction attribute type: the workspace member who owns the
			// interaction (owner_actor.id when owner_actor.type is workspace-member).
			return prop{kind: kString, str: s(func(v *value) string {
				if v.ext == nil {
					return ""
				}
				act := ws.actors[v.ext.owner]
				if act.typ != "workspace-member" {
					return ""
				}
				return act.id.String()
			})}, nil
		}
	}
	return bad()
}

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
	if a.typ == tActorRef && op != "$eq" && op != "$not_empty" {
		// Actor references compare by identity: Attio accepts $eq and answers $contains, $in
		// and the rest with a filter error. The spec does not describe filter operators, so
		// this follows Attio's answers; $not_empty, the existence check every attribute type
		// takes, stays accepted.
		return nil, rng, filterError("Operator \"%s\" is not supported for attribute \"%s\" of type actor-reference, only $eq.", op, a.slug)
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
		if p.kind == kChoice {
			get = nil
		}
		cmp := func(x, y string) bool { return x == y }
		if p.fold {
			cmp = strings.EqualFold
		}
		switch op {
		case "$eq", "$in":
			if p.kind == kChoice {
				test = func(_ *item, v *value) bool {
					title, id := choiceTitle(a, v), v.ref.String()
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
			test = func(it *item, v *value) bool {
				var x string
				if p.kind == kChoice {
					x = choiceTitle(a, v)
				} else {
					x = get(a, it, v)
				}
				return f(strings.ToLower(x), needle)
			}
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

func choiceTitle(a *attribute, v *value) string {
	if a.typ == tSelect {
		if o := a.optionByID(v.ref); o != nil {
			return o.title
		}
	} else if s := a.statusByID(v.ref); s != nil {
		return s.title
	}
	return ""
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

// ---------------------------------------------------------------- sorts

type sortSpec struct {
	desc bool
	key  func(it *item) sortKey
}

type sortKey struct {
	present bool
	s       string
	n       float64
}

func (fc *filterCompiler) compileSorts(c *collection, raw any) ([]sortSpec, *apiError) {
	if raw == nil {
		return nil, nil
	}
	arr, ok := raw.([]any)
	if !ok {
		return nil, filterError("sorts must be an array.")
	}
	var out []sortSpec
	for i, r := range arr {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, filterError("sorts[%d] must be an object.", i)
		}
		dir, _ := m["direction"].(string)
		if dir != "asc" && dir != "desc" {
			return nil, filterError("sorts[%d].direction must be \"asc\" or \"desc\".", i)
		}
		field, _ := m["field"].(string)
		var getter func(it *item) (*item, bool)
		var a *attribute
		if path, ok := m["path"].([]any); ok && len(path) > 0 {
			// Follow references; sort on the last attribute of the first reached record.
			var hops []*attribute
			cur := c
			for j, pr := range path {
				pair, ok := pr.([]any)
				if !ok || len(pair) != 2 {
					return nil, filterError("sorts[%d].path[%d] must be a pair.", i, j)
				}
				as, _ := pair[1].(string)
				at := cur.attr(as)
				if at == nil {
					return nil, filterError("Unknown attribute \"%s\" in sort path.", as)
				}
				if j == len(path)-1 {
					a = at
					break
				}
				if at.typ != tRecordRef {
					return nil, filterError("Attribute \"%s\" in sort path is not a record reference.", as)
				}
				hops = append(hops, at)
				next, _ := path[j+1].([]any)
				if len(next) != 2 {
					return nil, filterError("sorts[%d].path[%d] must be a pair.", i, j+1)
				}
				ns, _ := next[0].(string)
				cur = c.ws.object(ns)
				if cur == nil {
					return nil, filterError("Unknown object \"%s\" in sort path.", ns)
				}
			}
			ws := c.ws
			getter = func(it *item) (*item, bool) {
				for _, h := range hops {
					var nxt *item
					for k := range it.vals {
						v := &it.vals[k]
						if v.attr == h.idx && v.until == 0 && int(v.aux) < len(ws.objects) {
							nxt = ws.objects[v.aux].byID[v.ref]
							break
						}
					}
					if nxt == nil {
						return nil, false
					}
					it = nxt
				}
				return it, true
			}
		} else {
			as, _ := m["attribute"].(string)
			a = c.attr(as)
			if a == nil {
				return nil, filterError("Unknown attribute \"%s\" in sorts.", as)
			}
			getter = func(it *item) (*item, bool) { return it, true }
		}
		p, err := fc.property(a, field)
		if err != nil {
			return nil, err
		}
		at := a
		out = append(out, sortSpec{desc: dir == "desc", key: func(it *item) sortKey {
			t, ok := getter(it)
			if !ok {
				return sortKey{}
			}
			if at.derived != dNone {
				var dummy value
				return propKey(at, p, t, &dummy)
			}
			for k := range t.vals {
				v := &t.vals[k]
				if v.attr == at.idx && v.until == 0 {
					return propKey(at, p, t, v)
				}
			}
			return sortKey{}
		}})
	}
	return out, nil
}

func propKey(a *attribute, p prop, it *item, v *value) sortKey {
	switch p.kind {
	case kNumber, kBool:
		return sortKey{present: true, n: p.num(v)}
	case kTime:
		// float64 cannot hold nanosecond timestamps exactly; a fixed-width
		// decimal of the sign-flipped value sorts like the integer.
		u := uint64(p.tim(it, v)) ^ (1 << 63)
		d := strconv.FormatUint(u, 10)
		return sortKey{present: true, s: strings.Repeat("0", 20-len(d)) + d}
	case kChoice:
		return sortKey{present: true, s: choiceTitle(a, v)}
	}
	return sortKey{present: true, s: strings.ToLower(p.str(a, it, v))}
}

func compareKeys(x, y sortKey) int {
	if x.present != y.present {
		if !x.present {
			return 1 // empty values sort last
		}
		return -1
	}
	if x.n != y.n {
		if x.n < y.n {
			return -1
		}
		return 1
	}
	return strings.Compare(x.s, y.s)
}

func sortItems(items []*item, specs []sortSpec) {
	type keyed struct {
		it   *item
		keys []sortKey
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i].it = it
		ks[i].keys = make([]sortKey, len(specs))
		for j, s := range specs {
			ks[i].keys[j] = s.key(it)
		}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		for k, s := range specs {
			c := compareKeys(ks[i].keys[k], ks[j].keys[k])
			if c == 0 {
				continue
			}
			if s.desc && ks[i].keys[k].present && ks[j].keys[k].present {
				c = -c
			}
			return c < 0
		}
		a, b := ks[i].it, ks[j].it
		if a.createdAt != b.createdAt {
			return a.createdAt < b.createdAt
		}
		return bytes.Compare(a.id[:], b.id[:]) < 0
	})
	for i := range ks {
		items[i] = ks[i].it
	}
}
