package sandbox

import (
	"net/http"
	"sort"
)

type writeMode uint8

const (
	modeCreate    writeMode = iota
	modeAppend              // PATCH: multiselect values are added
	modeOverwrite           // PUT: multiselect values are replaced
)

type plannedChange struct {
	a     *attribute
	end   []int   // indexes into it.vals to close
	add   []value // new values
	clear bool
}

// planWrite validates a values payload against the collection and works out,
// per attribute, which active values end and which start. Nothing is mutated
// so a failing payload leaves the record untouched.
func (c *collection) planWrite(it *item, payload map[string]any, mode writeMode, keepAttr *attribute, pathPrefix string) ([]plannedChange, *apiError) {
	ws := c.ws
	keys := make([]string, 0, len(payload))
	for k := range payload {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var plan []plannedChange
	for _, k := range keys {
		a := c.attr(k)
		if a == nil || a.archived {
			return nil, valueNotFound("Cannot find attribute with slug/ID \"%s\".", k)
		}
		if !a.writable || a.derived != dNone {
			return nil, errorf(http.StatusBadRequest, "immutable_value",
				"Cannot write to attribute with slug \"%s\" because it is not writable.", a.slug)
		}
		vals, err := coerceCtx{ws: ws, a: a, path: []any{"data", pathPrefix, k}}.coerceAll(payload[k])
		if err != nil {
			return nil, err
		}
		var active []int
		if it != nil {
			for i := range it.vals {
				if it.vals[i].attr == a.idx && it.vals[i].until == 0 {
					active = append(active, i)
				}
			}
		}
		ch := plannedChange{a: a}
		switch {
		case len(vals) == 0:
			if a.required {
				return nil, errorf(http.StatusBadRequest, "missing_value",
					"Required value for attribute with ID \"%s\" was not provided.", a.id)
			}
			ch.end = active
			ch.clear = true
		case !a.multi:
			if len(active) == 1 && sameValue(&it.vals[active[0]], &vals[0]) {
				continue
			}
			ch.end = active
			ch.add = vals
		case mode == modeAppend || (a == keepAttr):
			for _, v := range vals {
				if !containsValue(it, active, &v) {
					ch.add = append(ch.add, v)
				}
			}
		default: // create or overwrite
			for _, i := range active {
				keep := false
				for j := range vals {
					if sameValue(&it.vals[i], &vals[j]) {
						keep = true
					}
				}
				if !keep {
					ch.end = append(ch.end, i)
				}
			}
			for _, v := range vals {
				if !containsValue(it, active, &v) {
					ch.add = append(ch.add, v)
				}
			}
		}
		if len(ch.end) == 0 && len(ch.add) == 0 && !ch.clear {
			continue
		}
		if idx := c.uniq[a.idx]; idx != nil {
			for j := range ch.add {
				if other := idx[uniqKey(a, &ch.add[j])]; other != nil && other != it {
					return nil, errorf(http.StatusBadRequest, "uniqueness_conflict",
						"The value \"%s\" provided for attribute with slug \"%s\" is not unique.", displayKey(a, &ch.add[j]), a.slug)
				}
			}
		}
		plan = append(plan, ch)
	}
	if mode == modeCreate {
		given := map[*attribute]bool{}
		for _, p := range plan {
			given[p.a] = len(p.add) > 0
		}
		for _, a := range c.attrs {
			if a.required && !a.archived && !given[a] {
				return nil, errorf(http.StatusBadRequest, "missing_value",
					"Required value for attribute with ID \"%s\" was not provided.", a.id)
			}
		}
	}
	return plan, nil
}

func containsValue(it *item, active []int, v *value) bool {
	if it == nil {
		return false
	}
	for _, i := range active {
		if sameValue(&it.vals[i], v) {
			return true
		}
	}
	return false
}

// applyPlan mutates the item: ends old values, inserts new ones grouped by
// attribute, maintains unique indexes and mirrors relationship attributes.
func (c *collection) applyPlan(it *item, plan []plannedChange, actorIdx int32, now int64) {
	// Ends first: the planned indexes refer to it.vals before any insertion.
	for _, p := range plan {
		a := p.a
		idx := c.uniq[a.idx]
		for _, i := range p.end {
			v := &it.vals[i]
			v.until = now
			if idx != nil {
				if k := uniqKey(a, v); idx[k] == it {
					delete(idx, k)
				}
			}
			if a.relation != nil && a.typ == tRecordRef {
				c.ws.unmirror(a, it, v)
			}
		}
	}
	for _, p := range plan {
		a := p.a
		idx := c.uniq[a.idx]
		for _, v := range p.add {
			v.from, v.actor, v.attr = now, actorIdx, a.idx
			it.insertValue(v)
			if idx != nil {
				idx[uniqKey(a, &v)] = it
			}
			if a.relation != nil && a.typ == tRecordRef {
				c.ws.mirror(a, it, &v, actorIdx, now)
			}
		}
	}
}

// insertValue keeps vals grouped by attribute (then by write order) so that
// rendering is a single pass.
func (it *item) insertValue(v value) {
	i := sort.Search(len(it.vals), func(i int) bool { return it.vals[i].attr > v.attr })
	it.vals = append(it.vals, value{})
	copy(it.vals[i+1:], it.vals[i:])
	it.vals[i] = v
}

// mirror writes the inverse side of a relationship attribute (people.company
// <-> companies.team), as Attio keeps both sides in sync.
func (ws *workspace) mirror(a *attribute, src *item, v *value, actorIdx int32, now int64) {
	inv := a.relation
	target := ws.objects[v.aux].byID[v.ref]
	if target == nil || inv.owner != ws.objects[v.aux] {
		return
	}
	back := value{ref: src.id, aux: uint16(a.owner.idx), attr: inv.idx, from: now, actor: actorIdx}
	for i := range target.vals {
		tv := &target.vals[i]
		if tv.attr != inv.idx || tv.until != 0 {
			continue
		}
		if tv.ref == src.id {
			return
		}
		if !inv.multi {
			tv.until = now
			// The previous single target loses its forward link too.
			ws.dropForward(a, tv.ref, target.id, now)
		}
	}
	target.insertValue(back)
}

func (ws *workspace) dropForward(a *attribute, srcID, targetID uuid, now int64) {
	src := a.owner.byID[srcID]
	if src == nil {
		return
	}
	for i := range src.vals {
		sv := &src.vals[i]
		if sv.attr == a.idx && sv.until == 0 && sv.ref == targetID {
			sv.until = now
		}
	}
}

func (ws *workspace) unmirror(a *attribute, src *item, v *value) {
	inv := a.relation
	if int(v.aux) >= len(ws.objects) || inv.owner != ws.objects[v.aux] {
		return
	}
	target := ws.objects[v.aux].byID[v.ref]
	if target == nil {
		return
	}
	for i := range target.vals {
		tv := &target.vals[i]
		if tv.attr == inv.idx && tv.until == 0 && tv.ref == src.id {
			tv.until = v.until
		}
	}
}

// unlinkAll removes every relationship value pointing at a deleted record.
func (ws *workspace) unlinkAll(c *collection, it *item, now int64) {
	for i := range it.vals {
		v := &it.vals[i]
		a := c.attrs[v.attr]
		if v.until == 0 && a.typ == tRecordRef && a.relation != nil {
			v.until = now
			ws.unmirror(a, it, v)
		}
	}
}
