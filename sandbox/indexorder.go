package sandbox

import "sort"

// Fast path for queries sorted by created_at alone (added for the export feature, which walks the
// key space with filter created_at >= cursor, sorted by created_at, and probes the newest item with
// created_at desc, limit 1). The items are kept in (created_at, id) order, which is exactly the
// order sortItems produces for such a sort, so these queries are answered by scanning the index
// instead of collecting and sorting every item in the created_at range: without this, each export
// page cost O(range) work and garbage, and a 1M-record export measured the sandbox's sorting
// rather than the facade.

// indexOrder reports whether raw sorts are a single created_at sort: +1 ascending, -1 descending,
// 0 for anything else (served by the general path).
func indexOrder(c *collection, raw any) int {
	arr, ok := raw.([]any)
	if !ok || len(arr) != 1 {
		return 0
	}
	m, ok := arr[0].(map[string]any)
	if !ok || m["path"] != nil || (m["field"] != nil && m["field"] != "" && m["field"] != "value") {
		return 0
	}
	slug, _ := m["attribute"].(string)
	a := c.attr(slug)
	if a == nil || a.derived != dCreatedAt {
		return 0
	}
	switch m["direction"] {
	case "asc":
		return 1
	case "desc":
		return -1
	}
	return 0
}

// scanDesc answers a created_at desc query from the index: newest first, and within one
// created_at in id order, as sortItems orders ties.
func (c *collection) scanDesc(start int, rng tsRange, p pred, limit, offset int) []*item {
	items := c.items
	end := sort.Search(len(items), func(i int) bool { return items[i].createdAt > rng.hi })
	out := make([]*item, 0, min(limit, 1024))
	skipped := 0
	for hi := end; hi > start && len(out) < limit; {
		lo := hi - 1
		for lo > start && items[lo-1].createdAt == items[hi-1].createdAt {
			lo--
		}
		for i := lo; i < hi && len(out) < limit; i++ {
			if p != nil && !p(items[i]) {
				continue
			}
			if skipped < offset {
				skipped++
				continue
			}
			out = append(out, items[i])
		}
		hi = lo
	}
	return out
}
