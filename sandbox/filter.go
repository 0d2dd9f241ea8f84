package sandbox

import (
	"math"
	"sort"
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
