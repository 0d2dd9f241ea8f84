package openapitest

// Object and list views, written from Attio's endpoint reference pages (no published OpenAPI
// document has them yet):
//   - https://docs.attio.com/rest-api/endpoint-reference/views/list-views-for-object
//   - https://docs.attio.com/rest-api/endpoint-reference/views/list-views-for-list
//   - https://docs.attio.com/rest-api/endpoint-reference/views/get-a-list-view (and its object twin)
//   - https://docs.attio.com/rest-api/endpoint-reference/views/create-an-object-view (the view's
//     fields: title, type, filter {attribute, op, value}, sorts, attributes)
//
// The pages give the list parameters (show_archived, limit 1-1000 default 500, cursor), the order
// (id.view_id ascending) and the fields; what they leave open is written here as the sandbox
// emulates it: every field present, filter null when the view shows everything.

var laterViews2026 = "object and list views -> GET /v2/objects/{object}/views[/{view_id}], GET /v2/lists/{list}/views[/{view_id}] " +
	"and the `view` schema: views/list-views-for-object, views/list-views-for-list, views/get-a-list-view, views/create-an-object-view"

func viewSchema() map[string]any {
	str := map[string]any{"type": "string"}
	uuid := map[string]any{"type": "string", "format": "uuid"}
	attrField := func(required ...any) map[string]any {
		return map[string]any{"type": "object", "properties": map[string]any{"attribute": str, "field": str}, "required": required}
	}
	sort := attrField("attribute", "direction")
	sort["properties"].(map[string]any)["direction"] = map[string]any{"type": "string", "enum": []any{"asc", "desc"}}
	cond := attrField("attribute", "op")
	props := cond["properties"].(map[string]any)
	props["op"] = map[string]any{"type": "string", "enum": []any{"eq", "not_empty", "in", "contains", "starts_with", "ends_with", "lt", "lte", "gt", "gte"}}
	props["value"] = map[string]any{}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id": map[string]any{"type": "object", "properties": map[string]any{
				"workspace_id": uuid, "object_id": uuid, "list_id": uuid, "view_id": uuid,
			}, "required": []any{"workspace_id", "view_id"}},
			"title":      str,
			"type":       map[string]any{"type": "string", "enum": []any{"table", "board"}},
			"filter":     map[string]any{"oneOf": []any{map[string]any{"type": "null"}, cond}},
			"sorts":      map[string]any{"type": "array", "items": sort},
			"attributes": map[string]any{"type": "array", "items": attrField("attribute")},
			"created_at": map[string]any{"type": "string", "format": "date-time"},
		},
		"required": []any{"id", "title", "type", "filter", "sorts", "attributes", "created_at"},
	}
}

func pathParam(name string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "path", "required": true, "schema": schema}
}

func jsonOK(schema map[string]any) map[string]any {
	return map[string]any{"200": map[string]any{"description": "Success", "content": map[string]any{
		"application/json": map[string]any{"schema": schema}}}}
}

// cursorList is the 200 body of a cursor-paged list of ref.
func cursorList(ref string) map[string]any {
	return jsonOK(map[string]any{"type": "object", "properties": map[string]any{
		"data":       map[string]any{"type": "array", "items": map[string]any{"$ref": ref}},
		"pagination": map[string]any{"type": "object", "properties": map[string]any{"next_cursor": map[string]any{"type": []any{"string", "null"}}}, "required": []any{"next_cursor"}},
	}, "required": []any{"data", "pagination"}})
}

func dataOf(ref string) map[string]any {
	return jsonOK(map[string]any{"type": "object", "properties": map[string]any{"data": map[string]any{"$ref": ref}}, "required": []any{"data"}})
}

// overlayViews adds the view operations and schema to the document.
func overlayViews(doc map[string]any) {
	dig(doc, "components", "schemas")["view"] = viewSchema()
	paths := dig(doc, "paths")
	slug := map[string]any{"type": "string"}
	listParams := func(parent string) []any {
		return []any{pathParam(parent, slug),
			queryParam("show_archived", map[string]any{"type": "boolean"}),
			queryParam("limit", map[string]any{"type": "integer", "minimum": 1, "maximum": 1000}),
			queryParam("cursor", map[string]any{"type": "string"})}
	}
	for _, parent := range []string{"object", "list"} {
		base := "/v2/" + parent + "s/{" + parent + "}/views"
		paths[base] = map[string]any{"get": map[string]any{
			"summary": "List views for " + parent, "parameters": listParams(parent),
			"responses": cursorList("#/components/schemas/view"),
		}}
		paths[base+"/{view_id}"] = map[string]any{"get": map[string]any{
			"summary":    "Get a " + parent + " view",
			"parameters": []any{pathParam(parent, slug), pathParam("view_id", map[string]any{"type": "string", "format": "uuid"})},
			"responses":  dataOf("#/components/schemas/view"),
		}}
	}
}
