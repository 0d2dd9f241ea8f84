package sandbox

import (
	"net/http"
	"regexp"
	"strings"
)

func objectRoutes(rs *routes) {
	rs.read("GET", "/v2/objects", hListObjects)
	rs.write("POST", "/v2/objects", hCreateObject)
	rs.read("GET", "/v2/objects/{object}", hGetObject)
	rs.write("PATCH", "/v2/objects/{object}", hPatchObject)
}

var slugRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (ws *workspace) writeObject(w *jw, c *collection) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("object_id", c.id)
	w.objClose()
	w.kv("api_slug", c.slug)
	w.kv("singular_noun", c.singular)
	w.kv("plural_noun", c.plural)
	w.key("created_at")
	w.ts(c.createdAt)
	w.objClose()
}

func hListObjects(rc *reqCtx) ([]byte, *apiError) {
	return dataList(rc.ws.objects, rc.ws.writeObject), nil
}

func (rc *reqCtx) object() (*collection, *apiError) {
	slug := rc.param("object")
	c := rc.ws.object(slug)
	if c == nil {
		return nil, notFound("Object with slug/ID \"%s\" not found.", slug)
	}
	return c, nil
}

func hGetObject(rc *reqCtx) ([]byte, *apiError) { return getWith(rc.object, rc.ws.writeObject) }

func hCreateObject(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	slug, err := reqString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	sing, err := reqString(d, "singular_noun", "data")
	if err != nil {
		return nil, err
	}
	plur, err := reqString(d, "plural_noun", "data")
	if err != nil {
		return nil, err
	}
	if !slugRe.MatchString(slug) || sing == "" || plur == "" {
		return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case and nouns non-empty")
	}
	for _, o := range rc.ws.objects {
		if o.slug == slug || strings.EqualFold(o.singular, sing) || strings.EqualFold(o.plural, plur) {
			return nil, errorf(http.StatusConflict, "slug_conflict", "Failed to create object. Please ensure your api_slug and names are unique.")
		}
	}
	c := newCollection(rc.ws, false, newUUID(), slug, rc.now)
	c.singular, c.plural = sing, plur
	for _, a := range customObjectAttrs {
		c.addAttr(a, rc.now)
	}
	return dataOne(func(w *jw) { rc.ws.writeObject(w, c) }), nil
}

func hPatchObject(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.object()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	if len(d) == 0 {
		return nil, validation("You passed an empty payload. Please ensure you are updating at least one property in your request.")
	}
	slug, hasSlug, err := optString(d, "api_slug", "data")
	if err != nil {
		return nil, err
	}
	sing, hasSing, err := optString(d, "singular_noun", "data")
	if err != nil {
		return nil, err
	}
	plur, hasPlur, err := optString(d, "plural_noun", "data")
	if err != nil {
		return nil, err
	}
	if hasSlug {
		if !slugRe.MatchString(slug) {
			return nil, bodyError([]any{"data", "api_slug"}, "api_slug must be snake_case")
		}
		for _, o := range rc.ws.objects {
			if o != c && o.slug == slug {
				return nil, errorf(http.StatusConflict, "slug_conflict", "Failed to update object. Please ensure api_slug is unique.")
			}
		}
		c.slug = slug
	}
	if hasSing {
		c.singular = sing
	}
	if hasPlur {
		c.plural = plur
	}
	return dataOne(func(w *jw) { rc.ws.writeObject(w, c) }), nil
}
