package openapitest

import "strings"

// Activity records and activity attributes (beta), from Attio's endpoint reference pages (no
// published OpenAPI document has them yet):
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/list-activity-records
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/create-an-activity-record
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/upsert-an-activity-record
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/get-an-activity-record
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/update-an-activity-record-append-multiselect-values
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/update-an-activity-record-overwrite-multiselect-values
//   - https://docs.attio.com/rest-api/endpoint-reference/activity-records/delete-an-activity-record
//   - the guide https://docs.attio.com/rest-api/guides/activities, which adds attributes to
//     activities ("activity_configuration for reading and writing activities themselves and their
//     attributes")
//
// The pages give the paths, the bodies ({data: {values}}; the query's filter, sorts, limit and
// offset) and the record's form: {id: {workspace_id, activity_id, record_id}, created_at,
// values}. The values and the request bodies are the records' own, so they are taken from the
// document's record operations rather than written again: an activity record is validated as
// strictly as a record. Attributes of an activity are the attribute operations with the target
// "activities", answering the document's `attribute` schema.

var laterActivityRecords2026 = "activity records -> POST /v2/activities/{activity}/records/query, POST and PUT (matching_attribute) " +
	"/v2/activities/{activity}/records, GET, PATCH, PUT and DELETE /v2/activities/{activity}/records/{record_id}, with the " +
	"records' values and bodies: activity-records/list-activity-records, create-an-activity-record, upsert-an-activity-record, " +
	"get-an-activity-record, update-an-activity-record-(append|overwrite)-multiselect-values, delete-an-activity-record; " +
	"activity attributes -> target `activities` on every /v2/{target}/{identifier}/attributes operation: guides/activities"

// overlayActivityRecords adds the activity record operations, and the activities target to the
// attribute operations.
func overlayActivityRecords(doc map[string]any) {
	paths := dig(doc, "paths")
	rec := dig(paths, "/v2/objects/{object}/records/{record_id}")
	values := dig(rec, "get", "responses", "200", "content", "application/json", "schema", "properties", "data", "properties", "values")
	if values == nil {
		return // not the March 2026 document: nothing to build on
	}
	uuid := map[string]any{"type": "string", "format": "uuid"}
	record := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"id": map[string]any{"type": "object", "additionalProperties": false,
				"properties": map[string]any{"workspace_id": uuid, "activity_id": uuid, "record_id": uuid},
				"required":   []any{"workspace_id", "activity_id", "record_id"}},
			"created_at": map[string]any{"type": "string", "format": "date-time"},
			"values":     values,
		},
		"required":             []any{"id", "created_at", "values"},
		"additionalProperties": false,
	}
	dig(doc, "components", "schemas")["activity-record"] = record
	one := dataOf("#/components/schemas/activity-record")
	list := jsonOK(map[string]any{"type": "object", "required": []any{"data"}, "additionalProperties": false, "properties": map[string]any{
		"data": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/activity-record"}}}})
	activity := pathParam("activity", map[string]any{"type": "string"})
	recordID := pathParam("record_id", uuid)
	body := func(path, method string) any { return dig(paths, path, method)["requestBody"] }
	op := func(summary string, params []any, reqBody any, responses map[string]any) map[string]any {
		o := map[string]any{"summary": summary, "parameters": params, "responses": responses}
		if reqBody != nil {
			o["requestBody"] = reqBody
		}
		return o
	}
	matching := queryParam("matching_attribute", map[string]any{"type": "string"})
	matching["required"] = true
	paths["/v2/activities/{activity}/records/query"] = map[string]any{
		"post": op("List activity records", []any{activity}, body("/v2/objects/{object}/records/query", "post"), list),
	}
	paths["/v2/activities/{activity}/records"] = map[string]any{
		"post": op("Create an activity record", []any{activity}, body("/v2/objects/{object}/records", "post"), one),
		"put":  op("Upsert an activity record", []any{activity, matching}, body("/v2/objects/{object}/records", "put"), one),
	}
	paths["/v2/activities/{activity}/records/{record_id}"] = map[string]any{
		"get":   op("Get an activity record", []any{activity, recordID}, nil, one),
		"patch": op("Update an activity record (append multiselect values)", []any{activity, recordID}, body("/v2/objects/{object}/records/{record_id}", "patch"), one),
		"put":   op("Update an activity record (overwrite multiselect values)", []any{activity, recordID}, body("/v2/objects/{object}/records/{record_id}", "put"), one),
		"delete": op("Delete an activity record", []any{activity, recordID}, nil,
			jsonOK(map[string]any{"type": "object", "additionalProperties": false})),
	}
	for p, item := range paths {
		if !strings.HasPrefix(p, "/v2/{target}/") {
			continue
		}
		for _, o := range item.(map[string]any) {
			op, _ := o.(map[string]any)
			params, _ := op["parameters"].([]any)
			for _, x := range params {
				if prm, _ := x.(map[string]any); prm["name"] == "target" && prm["in"] == "path" {
					if s := dig(prm, "schema"); s != nil {
						if e, ok := s["enum"].([]any); ok && !containsStr(e, "activities") {
							s["enum"] = append(e, "activities")
						}
					}
				}
			}
		}
	}
}
