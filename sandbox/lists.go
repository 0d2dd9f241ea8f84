package sandbox

import "net/http"

func listRoutes(rs *routes) {
	rs.read("GET", "/v2/lists", hListLists)
	rs.write("POST", "/v2/lists", hCreateList)
	rs.read("GET", "/v2/lists/{list}", hGetList)
	rs.write("PATCH", "/v2/lists/{list}", hPatchList)
}

func (ws *workspace) writeList(w *jw, c *collection) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("list_id", c.id)
	w.objClose()
	w.kv("api_slug", c.slug)
	w.kv("name", c.name)
	w.key("parent_object")
	w.arrOpen()
	for _, p := range c.parents {
		for _, o := range ws.objects {
			if o.id == p {
				w.str(o.slug)
			}
		}
	}
	w.arrClose()
	w.key("workspace_access")
	w.strOrNull(c.access)
	w.key("workspace_member_access")
	w.arrOpen()
	for _, m := range c.members {
		w.objOpen()
		w.kid("workspace_member_id", m.member)
		w.kv("level", m.level)
		w.objClose()
	}
	w.arrClose()
	w.key("created_by_actor")
	ws.writeActor(w, c.createdBy)
	w.key("created_at")
	w.ts(c.createdAt)
	w.objClose()
}

func hListLists(rc *reqCtx) ([]byte, *apiError) {
	return dataList(rc.ws.lists, rc.ws.writeList), nil
}

func (rc *reqCtx) listParam() (*collection, *apiError) {
	slug := rc.param("list")
	c := rc.ws.list(slug)
	if c == nil {
		return nil, notFound("List with slug/ID \"%s\" not found.", slug)
	}
	return c, nil
}

func hGetList(rc *reqCtx) ([]byte, *apiError) { return getWith(rc.listParam, rc.ws.writeList) }

var accessLevels = map[string]bool{"full-access": true, "read-and-write": true, "read-only": true}

func (rc *reqCtx) parseAccess(d map[string]any, c *collection) *apiError {
	if v, ok := d["workspace_access"]; ok {
		if v == nil {
			c.access = ""
		} else if s, ok := v.(string); ok && accessLevels[s] {
			c.access = s
		} else {
			return bodyError([]any{"data", "workspace_access"}, "Invalid enum value")
		}
	}
	if v, ok := d["workspace_member_access"]; ok {
		arr, ok := v.([]any)
		if !ok {
			return bodyError([]any{"data", "workspace_member_access"}, "Expected array")
		}
		var out []memberAccess
		for i, x := range arr {
			m, _ := x.(map[string]any)
			id, _ := m["workspace_member_id"].(string)
			lvl, _ := m["level"].(string)
			if !accessLevels[lvl] {
				return bodyError([]any{"data", "workspace_member_access", i, "level"}, "Invalid enum value")
			}
			mem := rc.ws.member(id)
			if mem == nil {
				return valueNotFound("Workspace member with ID \"%s\" not found.", id)
			}
			out = append(out, memberAccess{member: mem.id, level: lvl})
		}
		c.members = out
	}
	return nil
}

func hCreateList(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"name", "api_slug", "parent_object", "workspace_access", "workspace_member_access"} {
		if _, ok := d[k]; !ok {
			return nil, bodyError([]any{"data", k}, "Required")
		}
	}
	name, err := reqString(d, "name", "data")
	if err != nil {
		return nil, err
	}
	slug, err := reqString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	parent, err := reqString(d, "parent_object", "data")
	if err != nil {
		return nil, err
	}
	if !slugRe.MatchString(slug) {
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
	}
	po := rc.ws.object(parent)
	if po == nil {
		return nil, notFound("Parent object with slug/ID \"%s\" not found.", parent)
	}
	if rc.ws.list(slug) != nil {
		return nil, errorf(http.StatusConflict, "slug_conflict", "A list with api_slug \"%s\" already exists.", slug)
	}
	tmp := &collection{}
	if err := rc.parseAccess(d, tmp); err != nil {
		return nil, err
	}
	c := newCollection(rc.ws, true, newUUID(), slug, rc.now)
	c.name, c.parents, c.access, c.members, c.createdBy = name, []uuid{po.id}, tmp.access, tmp.members, rc.actor
	for _, a := range listSystemAttrs {
		c.addAttr(a, rc.now)
	}
	rc.emit("list.created", []hookField{{"list_id", c.id.String()}})
	return dataOne(func(w *jw) { rc.ws.writeList(w, c) }), nil
}

func hPatchList(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.listParam()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if v, ok, err := optString(d, "name", "data"); err != nil {
		return nil, err
	} else if ok {
		c.name = v
	}
	if v, ok, err := optString(d, "api_slug", "data"); err != nil {
		return nil, err
	} else if ok && v != c.slug {
		if !slugRe.MatchString(v) {
			return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
		}
		if rc.ws.list(v) != nil {
			return nil, errorf(http.StatusConflict, "slug_conflict", "A list with api_slug \"%s\" already exists.", v)
		}
		c.slug = v
	}
	if err := rc.parseAccess(d, c); err != nil {
		return nil, err
	}
	rc.emit("list.updated", []hookField{{"list_id", c.id.String()}})
	return dataOne(func(w *jw) { rc.ws.writeList(w, c) }), nil
}
