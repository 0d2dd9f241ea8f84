package sandbox

import "time"

func memberRoutes(rs *routes) {
	rs.read("GET", "/v2/workspace_members", hListMembers)
	rs.read("GET", "/v2/workspace_members/{workspace_member_id}", hGetMember)
}

func selfRoutes(rs *routes) {
	rs.read("GET", "/v2/self", hSelf)
}

func (ws *workspace) writeMember(w *jw, m *member) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("workspace_member_id", m.id)
	w.objClose()
	w.kv("first_name", m.first)
	w.kv("last_name", m.last)
	w.key("avatar_url")
	w.strOrNull(m.avatar)
	w.kv("email_address", m.email)
	w.key("created_at")
	w.ts(m.createdAt)
	w.kv("access_level", m.access)
	w.objClose()
}

func hListMembers(rc *reqCtx) ([]byte, *apiError) {
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, m := range rc.ws.members {
			rc.ws.writeMember(w, m)
		}
		w.arrClose()
	}), nil
}

func hGetMember(rc *reqCtx) ([]byte, *apiError) {
	id := rc.param("workspace_member_id")
	u, _ := parseUUID(id)
	for _, m := range rc.ws.members {
		if m.id == u {
			return dataOne(func(w *jw) { rc.ws.writeMember(w, m) }), nil
		}
	}
	return nil, notFound("Workspace member with ID \"%s\" not found.", id)
}

// self: the token introspection answer, not wrapped in data.
func hSelf(rc *reqCtx) ([]byte, *apiError) {
	ws := rc.ws
	w := &jw{}
	w.objOpen()
	w.key("active")
	w.boolean(true)
	w.kv("scope", "record_permission:read-write object_configuration:read-write list_entry:read-write list_configuration:read-write note:read-write task:read-write comment:read-write user_management:read webhook:read-write public_collection:read-write meeting:read call_recording:read")
	w.kid("client_id", nameUUID(ws.id, "oauth-client"))
	w.kv("token_type", "Bearer")
	w.key("exp")
	w.null()
	w.key("iat")
	w.int(ws.createdAt / int64(time.Second))
	w.kid("sub", ws.id)
	w.kid("aud", nameUUID(ws.id, "oauth-client"))
	w.kv("iss", "attio.com")
	w.key("authorized_by_workspace_member_id")
	if len(ws.members) > 0 {
		w.id(ws.members[0].id)
	} else {
		w.null()
	}
	w.kid("workspace_id", ws.id)
	w.kv("workspace_name", ws.name)
	w.kv("workspace_slug", ws.slug)
	w.key("workspace_logo_url")
	w.strOrNull(ws.logo)
	w.objClose()
	return w.b, nil
}
