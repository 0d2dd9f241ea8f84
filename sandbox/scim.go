package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// SCIM 2.0 users and schemas, as Attio's reference pages describe them
// (https://docs.attio.com/rest-api/scim/list-users, get-user-by-id, create-user, patch-user,
// delete-user, list-schemas; GET /scim/v2/Schemas is also in the March 2026 document). SCIM sits
// at /scim/v2 beside /v2, answers application/scim+json, and its errors take SCIM's shape
// ({"schemas": [urn:...:Error], "status": "404", "scimType": ..., "detail": ...}, RFC 7644 §3.12),
// not Attio's. Users are the workspace's members (their membership id is the user id) and its
// pending invites: creating a user whose domain one of the members already has (a verified
// domain) adds a member at once, any other address an invite. Suspended members are inactive and
// have no appRole. Lists page by 1-based startIndex and count, capped at 100.

const (
	scimErrorURN    = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimListURN     = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimUserURN     = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimGroupURN    = "urn:ietf:params:scim:schemas:core:2.0:Group"
	scimPatchURN    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimContentType = "application/scim+json"
	scimMaxCount    = 100
)

func scimRoutes(rs *routes) {
	rs.read("GET", "/scim/v2/Schemas", hScimSchemas)
	rs.read("GET", "/scim/v2/Users", hScimUsers)
	rs.read("GET", "/scim/v2/Users/{user_id}", hScimUser)
	rs.withStatus("POST", "/scim/v2/Users", http.StatusCreated, hCreateScimUser)
	rs.write("PATCH", "/scim/v2/Users/{user_id}", hPatchScimUser)
	rs.withStatus("DELETE", "/scim/v2/Users/{user_id}", http.StatusNoContent, hDeleteScimUser)
	scimGroupRoutes(rs)
}

// scimError is an apiError written in SCIM's error shape (scimBody) by the gateway.
func scimError(status int, scimType, format string, args ...any) *apiError {
	e := errorf(status, scimType, format, args...)
	e.scim = true
	return e
}

func (e *apiError) scimBody() []byte {
	w := &jw{}
	w.objOpen()
	w.key("schemas")
	w.arrOpen()
	w.str(scimErrorURN)
	w.arrClose()
	w.kv("status", strconv.Itoa(e.status))
	if e.scim && e.code != "" {
		w.kv("scimType", e.code)
	}
	w.kv("detail", e.msg)
	w.objClose()
	return w.b
}

// scimInvite is a pending invite made through SCIM.
type scimInvite struct {
	id         uuid
	email      string
	given      string
	family     string
	role       string
	createdAt  int64
	modifiedAt int64
	hasName    bool
}

// scimState is what SCIM keeps beside the members: invites, when members last changed, and the
// role a suspended member gets back.
type scimState struct {
	invites  []*scimInvite
	modified map[uuid]int64
	roles    map[uuid]string
	groups   []*scimGroup
}

type scimUser struct {
	m   *member
	inv *scimInvite
}

func (ws *workspace) scimUsers() []scimUser {
	out := make([]scimUser, 0, len(ws.members)+len(ws.scim.invites))
	for _, m := range ws.members {
		out = append(out, scimUser{m: m})
	}
	for _, inv := range ws.scim.invites {
		out = append(out, scimUser{inv: inv})
	}
	return out
}

func (ws *workspace) scimUser(id string) (scimUser, bool) {
	u, ok := parseUUID(id)
	if !ok {
		return scimUser{}, false
	}
	for _, su := range ws.scimUsers() {
		if su.id() == u {
			return su, true
		}
	}
	return scimUser{}, false
}

func (su scimUser) id() uuid {
	if su.m != nil {
		return su.m.id
	}
	return su.inv.id
}

func (su scimUser) email() string {
	if su.m != nil {
		return su.m.email
	}
	return su.inv.email
}

// attr is the user's value of a filterable attribute as text.
func (su scimUser) attr(ws *workspace, name string) (string, bool) {
	given, family, active, _ := su.fields(ws)
	switch name {
	case "userName", "emails.value":
		return su.email(), true
	case "id":
		return su.id().String(), true
	case "name.givenName":
		return given, true
	case "name.familyName":
		return family, true
	case "active":
		return strconv.FormatBool(active), true
	}
	return "", false
}

func (su scimUser) fields(ws *workspace) (given, family string, active bool, role string) {
	if su.inv != nil {
		return su.inv.given, su.inv.family, true, su.inv.role
	}
	if su.m.access == "suspended" {
		return su.m.first, su.m.last, false, ""
	}
	return su.m.first, su.m.last, true, su.m.access
}

func (ws *workspace) writeScimUser(w *jw, su scimUser) {
	given, family, active, role := su.fields(ws)
	created, modified := int64(0), int64(0)
	if su.m != nil {
		created = su.m.createdAt
		modified = max(ws.scim.modified[su.m.id], created)
	} else {
		created, modified = su.inv.createdAt, su.inv.modifiedAt
	}
	w.objOpen()
	w.key("schemas")
	w.arrOpen()
	w.str(scimUserURN)
	w.arrClose()
	w.kid("id", su.id())
	w.kv("userName", su.email())
	w.key("name")
	w.objOpen()
	w.kv("givenName", given)
	w.kv("familyName", family)
	w.objClose()
	w.key("emails")
	w.arrOpen()
	w.objOpen()
	w.kv("value", su.email())
	w.key("primary")
	w.boolean(true)
	w.objClose()
	w.arrClose()
	w.key("active")
	w.boolean(active)
	if role != "" {
		w.kv("appRole", role)
	}
	w.key("meta")
	w.objOpen()
	w.kv("resourceType", "User")
	w.key("created")
	w.ts(created)
	w.key("lastModified")
	w.ts(modified)
	w.objClose()
	w.objClose()
}

// scimFilter is one SCIM filter expression: attribute, operator, value.
type scimFilter struct{ attr, op, value string }

// scimUserFilters are the user attributes a filter may name.
var scimUserFilters = []string{"userName", "emails.value", "id", "name.givenName", "name.familyName", "active"}

// parseScimFilter reads a filter on one of attrs.
func parseScimFilter(s string, attrs []string) (*scimFilter, *apiError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	attr, rest, ok := strings.Cut(s, " ")
	if !ok {
		return nil, scimError(400, "invalidFilter", "The filter %q is not of the form <attribute> <operator> <value>.", s)
	}
	op, value, ok := strings.Cut(strings.TrimSpace(rest), " ")
	op = strings.ToLower(op)
	if !ok || !slices.Contains([]string{"eq", "ne", "co", "sw", "ew"}, op) {
		return nil, scimError(400, "invalidFilter", "Unsupported filter operator in %q: use eq, ne, co, sw or ew.", s)
	}
	value = strings.TrimSpace(value)
	if uq, err := strconv.Unquote(value); err == nil {
		value = uq
	} else if value != "true" && value != "false" {
		return nil, scimError(400, "invalidFilter", "The filter value in %q must be a quoted string or a boolean.", s)
	}
	if !slices.Contains(attrs, attr) {
		return nil, scimError(400, "invalidFilter", "Filtering on %q is not supported.", attr)
	}
	return &scimFilter{attr, op, value}, nil
}

// match is whether v, the filtered attribute's value, passes.
func (f *scimFilter) match(v string) bool {
	a, b := strings.ToLower(v), strings.ToLower(f.value)
	switch f.op {
	case "eq":
		return a == b
	case "ne":
		return a != b
	case "co":
		return strings.Contains(a, b)
	case "sw":
		return strings.HasPrefix(a, b)
	}
	return strings.HasSuffix(a, b)
}

func hScimUsers(rc *reqCtx) ([]byte, *apiError) {
	f, err := parseScimFilter(rc.q.Get("filter"), scimUserFilters)
	if err != nil {
		return nil, err
	}
	var all []scimUser
	for _, su := range rc.ws.scimUsers() {
		if v, _ := su.attr(rc.ws, f.attrName()); f == nil || f.match(v) {
			all = append(all, su)
		}
	}
	return writeScimList(rc, all, rc.ws.writeScimUser)
}

func (f *scimFilter) attrName() string {
	if f == nil {
		return ""
	}
	return f.attr
}

// writeScimList writes the page of all that startIndex and count select as SCIM's ListResponse.
func writeScimList[T any](rc *reqCtx, all []T, each func(*jw, T)) ([]byte, *apiError) {
	start, count := 1, scimMaxCount
	if s := rc.q.Get("startIndex"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil {
			return nil, scimError(400, "invalidValue", "startIndex must be an integer.")
		}
		start = max(n, 1) // RFC 7644 §3.4.2.4: less than 1 is 1
	}
	if s := rc.q.Get("count"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil {
			return nil, scimError(400, "invalidValue", "count must be an integer.")
		}
		count = min(max(n, 0), scimMaxCount)
	}
	lo := min(start-1, len(all))
	page := all[lo:min(lo+count, len(all))]
	w := &jw{}
	w.objOpen()
	w.key("schemas")
	w.arrOpen()
	w.str(scimListURN)
	w.arrClose()
	w.key("totalResults")
	w.int(int64(len(all)))
	w.key("startIndex")
	w.int(int64(start))
	w.key("itemsPerPage")
	w.int(int64(len(page)))
	w.key("Resources")
	w.arrOpen()
	for _, x := range page {
		each(w, x)
	}
	w.arrClose()
	w.objClose()
	return w.b, nil
}

func (rc *reqCtx) scimUserParam() (scimUser, *apiError) {
	id := rc.param("user_id")
	su, ok := rc.ws.scimUser(id)
	if !ok {
		return su, scimError(404, "", "User %q not found.", id)
	}
	return su, nil
}

func hScimUser(rc *reqCtx) ([]byte, *apiError) {
	su, err := rc.scimUserParam()
	if err != nil {
		return nil, err
	}
	w := &jw{}
	rc.ws.writeScimUser(w, su)
	return w.b, nil
}

func scimSchemasOf(body map[string]any, want string) bool {
	list, _ := body["schemas"].([]any)
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}

func hCreateScimUser(rc *reqCtx) ([]byte, *apiError) {
	b := rc.body
	if b == nil || !scimSchemasOf(b, scimUserURN) {
		return nil, scimError(400, "invalidValue", "schemas must include %q.", scimUserURN)
	}
	email, _ := b["userName"].(string)
	email = strings.ToLower(strings.TrimSpace(email))
	if local, dom, ok := strings.Cut(email, "@"); !ok || local == "" || !strings.Contains(dom, ".") {
		return nil, scimError(400, "invalidValue", "userName must be an email address.")
	}
	ws := rc.ws
	for _, su := range ws.scimUsers() {
		if strings.EqualFold(su.email(), email) {
			return nil, scimError(409, "uniqueness", "A user with userName %q already exists.", email)
		}
	}
	var given, family string
	hasName := false
	if n, ok := b["name"].(map[string]any); ok {
		given, _ = n["givenName"].(string)
		family, _ = n["familyName"].(string)
		hasName = true
	}
	active := true
	if v, ok := b["active"]; ok {
		if active, ok = v.(bool); !ok {
			return nil, scimError(400, "invalidValue", "active must be a boolean.")
		}
	}
	role := "member"
	if v, ok := b["appRole"]; ok {
		if role, _ = v.(string); role != "admin" && role != "member" {
			return nil, scimError(400, "invalidValue", "appRole must be \"admin\" or \"member\".")
		}
	}
	w := &jw{}
	if ws.ownDomain(domainOf(email)) {
		m := &member{id: newUUID(), first: given, last: family, email: email, access: role, createdAt: rc.now}
		if !active {
			m.access = "suspended"
			ws.scimRoles()[m.id] = role
		}
		ws.members = append(ws.members, m)
		ws.writeScimUser(w, scimUser{m: m})
		return w.b, nil
	}
	inv := &scimInvite{id: newUUID(), email: email, given: given, family: family, role: role, createdAt: rc.now, modifiedAt: rc.now, hasName: hasName}
	ws.scim.invites = append(ws.scim.invites, inv)
	ws.writeScimUser(w, scimUser{inv: inv})
	return w.b, nil
}

func (ws *workspace) scimRoles() map[uuid]string {
	if ws.scim.roles == nil {
		ws.scim.roles = map[uuid]string{}
	}
	return ws.scim.roles
}

// scimPatchOps reads a PatchOp body (RFC 7644 §3.5.2): its Operations.
func (rc *reqCtx) scimPatchOps() ([]any, *apiError) {
	b := rc.body
	if b == nil || !scimSchemasOf(b, scimPatchURN) {
		return nil, scimError(400, "invalidValue", "schemas must include %q.", scimPatchURN)
	}
	ops, ok := b["Operations"].([]any)
	if !ok {
		return nil, scimError(400, "invalidValue", "Operations must be an array of patch operations.")
	}
	return ops, nil
}

func hPatchScimUser(rc *reqCtx) ([]byte, *apiError) {
	su, err := rc.scimUserParam()
	if err != nil {
		return nil, err
	}
	ops, err := rc.scimPatchOps()
	if err != nil {
		return nil, err
	}
	// Validate every operation before applying any: a refused PATCH changes nothing.
	type change struct {
		path  string
		value any
	}
	var changes []change
	for _, o := range ops {
		op, _ := o.(map[string]any)
		verb, _ := op["op"].(string)
		verb = strings.ToLower(verb)
		path, _ := op["path"].(string)
		switch {
		case verb != "add" && verb != "replace" && verb != "remove":
			return nil, scimError(400, "invalidSyntax", "op must be add, replace or remove.")
		case path == "" && verb != "remove":
			kv, ok := op["value"].(map[string]any)
			if !ok {
				return nil, scimError(400, "noTarget", "An operation without path needs an object value.")
			}
			for k, v := range kv {
				if k == "name" {
					n, _ := v.(map[string]any)
					for nk, nv := range n {
						changes = append(changes, change{"name." + nk, nv})
					}
					continue
				}
				changes = append(changes, change{k, v})
			}
		case verb == "remove" && path != "name.givenName" && path != "name.familyName":
			return nil, scimError(400, "invalidPath", "remove is only supported for name.givenName and name.familyName.")
		case verb == "remove":
			changes = append(changes, change{path, ""})
		default:
			changes = append(changes, change{path, op["value"]})
		}
	}
	for _, c := range changes {
		switch c.path {
		case "name.givenName", "name.familyName":
			if _, ok := c.value.(string); !ok {
				return nil, scimError(400, "invalidValue", "%s must be a string.", c.path)
			}
		case "active":
			if _, ok := c.value.(bool); !ok {
				return nil, scimError(400, "invalidValue", "active must be a boolean.")
			}
		case "appRole":
			if c.value != "admin" && c.value != "member" {
				return nil, scimError(400, "invalidValue", "appRole must be \"admin\" or \"member\".")
			}
		default:
			return nil, scimError(400, "invalidPath", "Unsupported path %q.", c.path)
		}
	}
	ws := rc.ws
	for _, c := range changes {
		if su.inv != nil {
			inv := su.inv
			switch c.path {
			case "name.givenName":
				inv.given = c.value.(string)
			case "name.familyName":
				inv.family = c.value.(string)
			case "appRole":
				inv.role = c.value.(string)
			case "active":
				if !c.value.(bool) {
					// Deactivating a pending invite revokes it: 204, nothing left to show.
					ws.scim.invites = slices.DeleteFunc(ws.scim.invites, func(x *scimInvite) bool { return x == inv })
					return nil, nil
				}
			}
			inv.modifiedAt = rc.now
			continue
		}
		m := su.m
		switch c.path {
		case "name.givenName":
			m.first = c.value.(string)
		case "name.familyName":
			m.last = c.value.(string)
		case "appRole":
			if m.access == "suspended" {
				ws.scimRoles()[m.id] = c.value.(string)
			} else {
				m.access = c.value.(string)
			}
		case "active":
			switch on := c.value.(bool); {
			case !on && m.access != "suspended":
				ws.scimRoles()[m.id] = m.access
				m.access = "suspended"
			case on && m.access == "suspended":
				m.access = "member"
				if r := ws.scimRoles()[m.id]; r != "" {
					m.access = r
				}
			}
		}
		if ws.scim.modified == nil {
			ws.scim.modified = map[uuid]int64{}
		}
		ws.scim.modified[m.id] = rc.now
	}
	w := &jw{}
	ws.writeScimUser(w, su)
	return w.b, nil
}

func hDeleteScimUser(rc *reqCtx) ([]byte, *apiError) {
	su, err := rc.scimUserParam()
	if err != nil {
		return nil, err
	}
	ws := rc.ws
	if su.inv != nil {
		ws.scim.invites = slices.DeleteFunc(ws.scim.invites, func(x *scimInvite) bool { return x == su.inv })
	} else {
		ws.members = slices.DeleteFunc(ws.members, func(x *member) bool { return x == su.m })
	}
	return []byte{}, nil
}
