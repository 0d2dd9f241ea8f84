package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Saved views (object views and list views), as Attio's endpoint reference pages describe them
// (no published OpenAPI document has them yet):
//   - https://docs.attio.com/rest-api/endpoint-reference/views/list-views-for-object
//   - https://docs.attio.com/rest-api/endpoint-reference/views/list-views-for-list
//   - https://docs.attio.com/rest-api/endpoint-reference/views/get-a-list-view
//   - https://docs.attio.com/rest-api/endpoint-reference/views/create-an-object-view (the fields)
//
// Lists are ordered by view id ascending, cursor paged (limit 1-1000, default 500), and leave
// archived views out unless show_archived=true. A view's filter is one condition
// {attribute, field?, op, value}; its sorts and attributes are kept as seeded.

func viewRoutes(rs *routes) {
	rs.read("GET", "/v2/objects/{object}/views", hListObjectViews)
	rs.read("GET", "/v2/objects/{object}/views/{view_id}", hGetObjectView)
	rs.read("GET", "/v2/lists/{list}/views", hListListViews)
	rs.read("GET", "/v2/lists/{list}/views/{view_id}", hGetListView)
}

type savedView struct {
	id        uuid
	title     string
	typ       string          // "table" | "board"
	filter    json.RawMessage // null when the view shows everything
	sorts     json.RawMessage // array
	columns   json.RawMessage // array
	archived  bool
	createdAt int64
}

type seedView struct {
	ID         string          `json:"id"`
	Object     string          `json:"object"`
	List       string          `json:"list"`
	Title      string          `json:"title"`
	Type       string          `json:"type"`
	Filter     json.RawMessage `json:"filter"`
	Sorts      json.RawMessage `json:"sorts"`
	Attributes json.RawMessage `json:"attributes"`
	Archived   bool            `json:"archived"`
	CreatedAt  string          `json:"created_at"`
}

var viewOps = []string{"eq", "not_empty", "in", "contains", "starts_with", "ends_with", "lt", "lte", "gt", "gte"}

// seedViews adds the seed's views to their objects and lists, each parent's in view id order.
func seedViews(ws *workspace, views []seedView) error {
	for _, v := range views {
		var c *collection
		switch {
		case v.Object != "" && v.List == "":
			c = ws.object(v.Object)
		case v.List != "" && v.Object == "":
			c = ws.list(v.List)
		}
		if c == nil {
			return fmt.Errorf("view %s: needs one known object or list", v.ID)
		}
		id, err := seedUUID(v.ID)
		if err != nil {
			return err
		}
		if v.Type != "table" && v.Type != "board" {
			return fmt.Errorf("view %s: type %q", v.ID, v.Type)
		}
		sv := &savedView{id: id, title: v.Title, typ: v.Type, filter: orJSON(v.Filter, "null"),
			sorts: orJSON(v.Sorts, "[]"), columns: orJSON(v.Attributes, "[]"), archived: v.Archived}
		if f := sv.filter; string(f) != "null" {
			var cond struct {
				Attribute string `json:"attribute"`
				Op        string `json:"op"`
			}
			if json.Unmarshal(f, &cond) != nil || cond.Attribute == "" || !slices.Contains(viewOps, cond.Op) {
				return fmt.Errorf("view %s: filter %s", v.ID, f)
			}
		}
		if sv.createdAt, err = seedTime(v.CreatedAt, c.createdAt); err != nil {
			return err
		}
		c.views = append(c.views, sv)
	}
	for _, c := range slices.Concat(ws.objects, ws.lists) {
		slices.SortFunc(c.views, func(a, b *savedView) int { return strings.Compare(a.id.String(), b.id.String()) })
	}
	return nil
}

func orJSON(raw json.RawMessage, def string) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage(def)
	}
	return raw
}

func (ws *workspace) writeView(w *jw, c *collection, v *savedView) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	if c.isList {
		w.kid("list_id", c.id)
	} else {
		w.kid("object_id", c.id)
	}
	w.kid("view_id", v.id)
	w.objClose()
	w.kv("title", v.title)
	w.kv("type", v.typ)
	w.key("filter")
	w.raw(v.filter)
	w.key("sorts")
	w.raw(v.sorts)
	w.key("attributes")
	w.raw(v.columns)
	w.key("created_at")
	w.ts(v.createdAt)
	w.objClose()
}

func hListObjectViews(rc *reqCtx) ([]byte, *apiError) { return rc.listViews(rc.object) }
func hListListViews(rc *reqCtx) ([]byte, *apiError)   { return rc.listViews(rc.listParam) }
func hGetObjectView(rc *reqCtx) ([]byte, *apiError)   { return rc.getView(rc.object) }
func hGetListView(rc *reqCtx) ([]byte, *apiError)     { return rc.getView(rc.listParam) }

func (rc *reqCtx) listViews(parent func() (*collection, *apiError)) ([]byte, *apiError) {
	c, err := parent()
	if err != nil {
		return nil, err
	}
	limit, err := rc.cursorLimit(500, 1000)
	if err != nil {
		return nil, err
	}
	archived, err := rc.boolParam("show_archived")
	if err != nil {
		return nil, err
	}
	var views []*savedView
	for _, v := range c.views {
		if archived || !v.archived {
			views = append(views, v)
		}
	}
	scope := fmt.Sprintf("views:%s:%t", c.id, archived)
	return cursorPage(rc, scope, views, limit, func(w *jw, v *savedView) { rc.ws.writeView(w, c, v) })
}

// getView answers a view by id, archived or not.
func (rc *reqCtx) getView(parent func() (*collection, *apiError)) ([]byte, *apiError) {
	c, err := parent()
	if err != nil {
		return nil, err
	}
	id := rc.param("view_id")
	u, _ := parseUUID(id)
	for _, v := range c.views {
		if v.id == u {
			return dataOne(func(w *jw) { rc.ws.writeView(w, c, v) }), nil
		}
	}
	return nil, notFound("View with ID \"%s\" not found.", id)
}
