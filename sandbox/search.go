package sandbox

import "strings"

func hSearch(rc *reqCtx) ([]byte, *apiError) {
	b := rc.body
	if b == nil {
		return nil, bodyError([]any{"query"}, "Required")
	}
	q, err := reqString(b, "query")
	if err != nil {
		return nil, err
	}
	objsRaw, ok := b["objects"].([]any)
	if !ok || len(objsRaw) == 0 {
		return nil, bodyError([]any{"objects"}, "Array must contain at least 1 element(s)")
	}
	if _, ok := b["request_as"].(map[string]any); !ok {
		return nil, bodyError([]any{"request_as"}, "Required")
	}
	limit := 25
	if v, ok := b["limit"]; ok {
		f, ok := asNumber(v)
		if !ok || f < 1 || f > 25 {
			return nil, bodyError([]any{"limit"}, "Number must be between 1 and 25")
		}
		limit = int(f)
	}
	var objs []*collection
	for _, o := range objsRaw {
		s, _ := o.(string)
		c := rc.ws.object(s)
		if c == nil {
			return nil, valueNotFound("Object with slug/ID \"%s\" not found.", s)
		}
		objs = append(objs, c)
	}
	needle := strings.ToLower(strings.TrimSpace(q))
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	n := 0
	for _, c := range objs {
		for i := len(c.items) - 1; i >= 0 && n < limit; i-- {
			it := c.items[i]
			text, hay := c.searchText(it)
			if needle != "" && !strings.Contains(hay, needle) {
				continue
			}
			n++
			c.writeSearchHit(w, it, text)
		}
	}
	w.arrClose()
	w.objClose()
	return w.b, nil
}

// searchText returns the record's label and the lower-cased text searched:
// names, domains, emails, phone numbers, as the in-product search matches.
func (c *collection) searchText(it *item) (string, string) {
	var d searchDoc
	for i := range it.vals {
		if v := &it.vals[i]; v.until == 0 {
			a := c.attrs[v.attr]
			a.typ.impl().search(a, v, &d)
		}
	}
	return d.label, d.hay.String()
}

func (c *collection) writeSearchHit(w *jw, it *item, text string) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", c.ws.id)
	w.kid("object_id", c.id)
	w.kid("record_id", it.id)
	w.objClose()
	w.kv("record_text", text)
	image := ""
	for i := range it.vals {
		v := &it.vals[i]
		if v.until == 0 && (c.attrs[v.attr].slug == "avatar_url" || c.attrs[v.attr].slug == "logo_url") {
			image = v.s
		}
	}
	w.key("record_image")
	w.strOrNull(image)
	w.kv("object_slug", c.slug)
	collect := func(slug string, f func(v *value) string) {
		w.key(slug)
		w.arrOpen()
		if a := c.attrBySlug[slug]; a != nil {
			for i := range it.vals {
				if v := &it.vals[i]; v.attr == a.idx && v.until == 0 {
					w.str(f(v))
				}
			}
		}
		w.arrClose()
	}
	switch c.slug {
	case "people":
		collect("email_addresses", func(v *value) string { return strings.ToLower(v.s) })
		collect("phone_numbers", func(v *value) string { p, _ := splitPhone(v.s); return p })
	case "companies":
		collect("domains", func(v *value) string { return v.s })
	}
	w.objClose()
}
