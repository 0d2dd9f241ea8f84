package sandbox

import (
	"net/http"
	"slices"
)

// Activities (beta), as Attio's reference pages describe them:
// https://docs.attio.com/rest-api/endpoint-reference/activities/list-activities (every system and
// custom activity, not paged), get-an-activity, create-an-activity ({data: {api_slug,
// singular_noun, plural_noun, extends}}), update-an-activity (PATCH: the slug and nouns; extends
// is permanent, so naming it is a 400) and delete-an-activity (the activity with its records).
// The guide https://docs.attio.com/rest-api/guides/activities says {activity} is the id or the
// slug, that extends is one of activities, interactions, calls or emails, and that Attio has one
// system activity, phone calls, which cannot be deleted. The pages show no answer body beyond the
// id's form ({workspace_id, activity_id}); the sandbox answers an activity the way it answers an
// object, with extends as the name the create wrote (sandbox/openapitest/later2026/activities.yaml).

func activityRoutes(rs *routes) {
	rs.read("GET", "/v2/activities", hListActivities)
	rs.write("POST", "/v2/activities", hCreateActivity)
	rs.read("GET", "/v2/activities/{activity}", hGetActivity)
	rs.write("PATCH", "/v2/activities/{activity}", hPatchActivity)
	rs.write("DELETE", "/v2/activities/{activity}", hDeleteActivity)
}

// SeedPhoneCallsActivityID is the system activity every workspace has.
const SeedPhoneCallsActivityID = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e51"

// activitySchemas are the schemas an activity may extend.
var activitySchemas = []string{"activities", "interactions", "calls", "emails"}

type activityDef struct {
	id        uuid
	slug      string
	singular  string
	plural    string
	extends   string
	system    bool
	createdAt int64
	coll      *collection // its attributes and records (activity_records.go)
}

// activityDefs are the workspace's activities, the system one first (added on first use).
func (ws *workspace) activityDefs() []*activityDef {
	if len(ws.activities) == 0 || !ws.activities[0].system {
		sys := &activityDef{id: mustUUID(SeedPhoneCallsActivityID), slug: "phone_calls", singular: "Phone call", plural: "Phone calls",
			extends: "calls", system: true, createdAt: 1704067200_000000000}
		sys.coll = ws.newActivityCollection(sys)
		ws.activities = append([]*activityDef{sys}, ws.activities...)
	}
	return ws.activities
}

func (ws *workspace) writeActivity(w *jw, a *activityDef) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("activity_id", a.id)
	w.objClose()
	w.kv("api_slug", a.slug)
	w.kv("singular_noun", a.singular)
	w.kv("plural_noun", a.plural)
	w.kv("extends", a.extends)
	w.key("created_at")
	w.ts(a.createdAt)
	w.objClose()
}

func hListActivities(rc *reqCtx) ([]byte, *apiError) {
	return dataList(rc.ws.activityDefs(), rc.ws.writeActivity), nil
}

func (rc *reqCtx) activity() (*activityDef, *apiError) {
	return rc.ws.findActivity(rc.param("activity"))
}

// findActivity is the activity with the slug or id ref, or the pages' 404.
func (ws *workspace) findActivity(ref string) (*activityDef, *apiError) {
	u, isID := parseUUID(ref)
	for _, a := range ws.activityDefs() {
		if a.slug == ref || (isID && a.id == u) {
			return a, nil
		}
	}
	return nil, notFound("Activity with slug/ID \"%s\" not found.", ref)
}

func hGetActivity(rc *reqCtx) ([]byte, *apiError) { return getWith(rc.activity, rc.ws.writeActivity) }

// activityConflict is whether another activity than self has the slug or one of the nouns.
func (ws *workspace) activityConflict(self *activityDef, slug, sing, plur string) bool {
	return slices.ContainsFunc(ws.activityDefs(), func(a *activityDef) bool {
		return a != self && (a.slug == slug || (sing != "" && a.singular == sing) || (plur != "" && a.plural == plur))
	})
}

func hCreateActivity(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	var f [4]string
	for i, k := range []string{"api_slug", "singular_noun", "plural_noun", "extends"} {
		if f[i], err = reqString(d, k, "data"); err != nil {
			return nil, err
		}
	}
	slug, sing, plur, ext := f[0], f[1], f[2], f[3]
	switch {
	case !slugRe.MatchString(slug) || sing == "" || plur == "":
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case and nouns non-empty")
	case !slices.Contains(activitySchemas, ext):
		return nil, bodyError([]any{"data", "extends"}, "extends must be one of activities, interactions, calls or emails")
	case rc.ws.activityConflict(nil, slug, sing, plur):
		return nil, errorf(http.StatusConflict, "slug_conflict", "Failed to create activity. Please ensure your api_slug and names are unique.")
	}
	a := &activityDef{id: newUUID(), slug: slug, singular: sing, plural: plur, extends: ext, createdAt: rc.now}
	a.coll = rc.ws.newActivityCollection(a)
	rc.ws.activities = append(rc.ws.activityDefs(), a)
	return dataOne(func(w *jw) { rc.ws.writeActivity(w, a) }), nil
}

func hPatchActivity(rc *reqCtx) ([]byte, *apiError) {
	a, err := rc.activity()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if _, ok := d["extends"]; ok {
		return nil, bodyError([]any{"data", "extends"}, "extends cannot be changed: the schema an activity extends is permanent")
	}
	if len(d) == 0 {
		return nil, validation("You passed an empty payload. Please ensure you are updating at least one property in your request.")
	}
	next := *a
	for _, f := range []struct {
		key string
		to  *string
	}{{"api_slug", &next.slug}, {"singular_noun", &next.singular}, {"plural_noun", &next.plural}} {
		v, has, err := optString(d, f.key, "data")
		if err != nil {
			return nil, err
		}
		if has {
			if v == "" {
				return nil, bodyError([]any{"data", f.key}, f.key+" must not be empty")
			}
			*f.to = v
		}
	}
	if !slugRe.MatchString(next.slug) {
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
	}
	if rc.ws.activityConflict(a, next.slug, next.singular, next.plural) {
		return nil, errorf(http.StatusConflict, "slug_conflict", "Failed to update activity. Please ensure api_slug and names are unique.")
	}
	*a = next
	a.coll.slug, a.coll.singular, a.coll.plural = a.slug, a.singular, a.plural
	return dataOne(func(w *jw) { rc.ws.writeActivity(w, a) }), nil
}

func hDeleteActivity(rc *reqCtx) ([]byte, *apiError) {
	a, err := rc.activity()
	if err != nil {
		return nil, err
	}
	if a.system {
		return nil, errorf(http.StatusBadRequest, "system_edit_unauthorized", "The system activity \"%s\" cannot be deleted.", a.slug)
	}
	rc.ws.activities = slices.DeleteFunc(rc.ws.activities, func(x *activityDef) bool { return x == a })
	return okEmpty()
}
