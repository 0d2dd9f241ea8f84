package sandbox

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

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
		return sortKey{present: true, s: p.str(a, it, v)}
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
