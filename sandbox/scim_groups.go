package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// SCIM groups (workspace teams), as Attio's reference pages describe them:
// https://docs.attio.com/rest-api/scim/list-groups (filter on displayName, startIndex, count capped
// at 100, excludedAttributes=members), get-group-by-id, create-group (201), update-group (PUT: the
// name and the whole member list), patch-group (PatchOp: displayName and members, added, removed or
// replaced) and delete-group (204). A member is a SCIM user: a membership id or a pending invite's
// id; a member that leaves the workspace leaves its groups. Names are unique in the workspace.

func scimGroupRoutes(rs *routes) {
	rs.read("GET", "/scim/v2/Groups", hScimGroups)
	rs.read("GET", "/scim/v2/Groups/{workspace_team_id}", hScimGroup)
	rs.withStatus("POST", "/scim/v2/Groups", http.StatusCreated, hCreateScimGroup)
	rs.write("PUT", "/scim/v2/Groups/{workspace_team_id}", hReplaceScimGroup)
	rs.write("PATCH", "/scim/v2/Groups/{workspace_team_id}", hPatchScimGroup)
	rs.withStatus("DELETE", "/scim/v2/Groups/{workspace_team_id}", http.StatusNoContent, hDeleteScimGroup)
}

type scimGroup struct {
	id         uuid
	name       string
	members    []uuid
	createdAt  int64
	modifiedAt int64
}

// liveMembers are the group's members still in the workspace.
func (ws *workspace) liveMembers(g *scimGroup) []uuid {
	out := make([]uuid, 0, len(g.members))
	for _, m := range g.members {
		if _, ok := ws.scimUser(m.String()); ok {
			out = append(out, m)
		}
	}
	return out
}

func (ws *workspace) writeScimGroup(w *jw, g *scimGroup, withMembers bool) {
	w.objOpen()
	w.key("schemas")
	w.arrOpen()
	w.str(scimGroupURN)
	w.arrClose()
	w.kid("id", g.id)
	w.kv("displayName", g.name)
	if withMembers {
		w.key("members")
		w.arrOpen()
		for _, m := range ws.liveMembers(g) {
			w.objOpen()
			w.kid("value", m)
			w.kv("$ref", "/scim/v2/Users/"+m.String())
			w.objClose()
		}
		w.arrClose()
	}
	w.key("meta")
	w.objOpen()
	w.kv("resourceType", "Group")
	w.key("created")
	w.ts(g.createdAt)
	w.key("lastModified")
	w.ts(g.modifiedAt)
	w.objClose()
	w.objClose()
}

func hScimGroups(rc *reqCtx) ([]byte, *apiError) {
	f, err := parseScimFilter(rc.q.Get("filter"), []string{"displayName"})
	if err != nil {
		return nil, err
	}
	withMembers := true
	for _, a := range strings.Split(rc.q.Get("excludedAttributes"), ",") {
		withMembers = withMembers && strings.TrimSpace(a) != "members"
	}
	var all []*scimGroup
	for _, g := range rc.ws.scim.groups {
		if f == nil || f.match(g.name) {
			all = append(all, g)
		}
	}
	return writeScimList(rc, all, func(w *jw, g *scimGroup) { rc.ws.writeScimGroup(w, g, withMembers) })
}

func (rc *reqCtx) scimGroupParam() (*scimGroup, *apiError) {
	id := rc.param("workspace_team_id")
	if u, ok := parseUUID(id); ok {
		for _, g := range rc.ws.scim.groups {
			if g.id == u {
				return g, nil
			}
		}
	}
	return nil, scimError(404, "", "Group %q not found.", id)
}

func (rc *reqCtx) groupAnswer(g *scimGroup) ([]byte, *apiError) {
	w := &jw{}
	rc.ws.writeScimGroup(w, g, true)
	return w.b, nil
}

func hScimGroup(rc *reqCtx) ([]byte, *apiError) {
	g, err := rc.scimGroupParam()
	if err != nil {
		return nil, err
	}
	return rc.groupAnswer(g)
}

// groupName checks a display name: not blank, and no other group's (self is the group renamed).
func (ws *workspace) groupName(v any, self *scimGroup) (string, *apiError) {
	name, ok := v.(string)
	if name = strings.TrimSpace(name); !ok || name == "" {
		return "", scimError(400, "invalidValue", "displayName must be a non-empty string.")
	}
	for _, g := range ws.scim.groups {
		if g != self && strings.EqualFold(g.name, name) {
			return "", scimError(409, "uniqueness", "A group with displayName %q already exists.", name)
		}
	}
	return name, nil
}

// groupMembers reads a members array: each value a SCIM user of the workspace.
func (ws *workspace) groupMembers(v any) ([]uuid, *apiError) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, scimError(400, "invalidValue", "members must be an array of {\"value\": <user id>}.")
	}
	out := make([]uuid, 0, len(list))
	for _, x := range list {
		m, _ := x.(map[string]any)
		id, _ := m["value"].(string)
		su, ok := ws.scimUser(id)
		if !ok {
			return nil, scimError(400, "invalidValue", "members: no user or invite with id %q.", id)
		}
		if !slices.Contains(out, su.id()) {
			out = append(out, su.id())
		}
	}
	return out, nil
}

func hCreateScimGroup(rc *reqCtx) ([]byte, *apiError) {
	b := rc.body
	if b == nil || !scimSchemasOf(b, scimGroupURN) {
		return nil, scimError(400, "invalidValue", "schemas must include %q.", scimGroupURN)
	}
	name, err := rc.ws.groupName(b["displayName"], nil)
	if err != nil {
		return nil, err
	}
	members, err := rc.ws.groupMembers(b["members"])
	if err != nil {
		return nil, err
	}
	g := &scimGroup{id: newUUID(), name: name, members: members, createdAt: rc.now, modifiedAt: rc.now}
	rc.ws.scim.groups = append(rc.ws.scim.groups, g)
	return rc.groupAnswer(g)
}

func hReplaceScimGroup(rc *reqCtx) ([]byte, *apiError) {
	g, err := rc.scimGroupParam()
	if err != nil {
		return nil, err
	}
	b := rc.body
	if b == nil || !scimSchemasOf(b, scimGroupURN) {
		return nil, scimError(400, "invalidValue", "schemas must include %q.", scimGroupURN)
	}
	if _, ok := b["members"].([]any); !ok {
		return nil, scimError(400, "invalidValue", "members is required: the complete new member list.")
	}
	name, err := rc.ws.groupName(b["displayName"], g)
	if err != nil {
		return nil, err
	}
	members, err := rc.ws.groupMembers(b["members"])
	if err != nil {
		return nil, err
	}
	g.name, g.members, g.modifiedAt = name, members, rc.now
	return rc.groupAnswer(g)
}

// memberFilter reads a members[value eq "<id>"] path (RFC 7644 §3.5.2.2): the id, ok.
func memberFilter(path string) (string, bool) {
	inner, ok := strings.CutPrefix(path, "members[")
	if !ok || !strings.HasSuffix(inner, "]") {
		return "", false
	}
	f, err := parseScimFilter(strings.TrimSuffix(inner, "]"), []string{"value"})
	if err != nil || f == nil || f.op != "eq" {
		return "", false
	}
	return f.value, true
}

func hPatchScimGroup(rc *reqCtx) ([]byte, *apiError) {
	g, err := rc.scimGroupParam()
	if err != nil {
		return nil, err
	}
	ops, err := rc.scimPatchOps()
	if err != nil {
		return nil, err
	}
	// Applied to a copy, in order; a refused operation leaves the group as it was.
	ws := rc.ws
	name, members := g.name, slices.Clone(ws.liveMembers(g))
	for i, o := range ops {
		op, _ := o.(map[string]any)
		verb, _ := op["op"].(string)
		verb = strings.ToLower(verb)
		path, _ := op["path"].(string)
		at := "Operations[" + strconv.Itoa(i) + "]: "
		if verb != "add" && verb != "replace" && verb != "remove" {
			return nil, scimError(400, "invalidSyntax", "%sop must be add, replace or remove.", at)
		}
		targets := map[string]any{path: op["value"]}
		if path == "" {
			kv, ok := op["value"].(map[string]any)
			if !ok || verb == "remove" {
				return nil, scimError(400, "noTarget", "%san operation without path needs an object value (add or replace).", at)
			}
			targets = kv
		}
		for p, v := range targets {
			if id, ok := memberFilter(p); ok && verb == "remove" {
				members = slices.DeleteFunc(members, func(m uuid) bool { return strings.EqualFold(m.String(), id) })
				continue
			}
			switch {
			case p == "displayName" && verb != "remove":
				if name, err = ws.groupName(v, g); err != nil {
					return nil, err
				}
			case p == "members" && verb == "remove" && v == nil:
				members = nil
			case p == "members":
				ids, err := ws.groupMembers(v)
				if err != nil {
					return nil, err
				}
				switch verb {
				case "replace":
					members = ids
				case "add":
					for _, id := range ids {
						if !slices.Contains(members, id) {
							members = append(members, id)
						}
					}
				default:
					members = slices.DeleteFunc(members, func(m uuid) bool { return slices.Contains(ids, m) })
				}
			default:
				return nil, scimError(400, "invalidPath", "%sunsupported %s of %q: use displayName, members or members[value eq \"<id>\"].", at, verb, p)
			}
		}
	}
	g.name, g.members, g.modifiedAt = name, members, rc.now
	return rc.groupAnswer(g)
}

func hDeleteScimGroup(rc *reqCtx) ([]byte, *apiError) {
	g, err := rc.scimGroupParam()
	if err != nil {
		return nil, err
	}
	rc.ws.scim.groups = slices.DeleteFunc(rc.ws.scim.groups, func(x *scimGroup) bool { return x == g })
	return []byte{}, nil
}
