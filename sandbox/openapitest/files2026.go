package openapitest

// Files, from Attio's endpoint reference pages (the March 2026 document has only the `file`
// schema):
//   - https://docs.attio.com/rest-api/endpoint-reference/files/list-files
//   - https://docs.attio.com/rest-api/endpoint-reference/files/get-a-file
//   - https://docs.attio.com/rest-api/endpoint-reference/files/upload-a-file
//   - https://docs.attio.com/rest-api/endpoint-reference/files/download-a-file
// What the pages leave open is written as the sandbox emulates it: an upload answers 200 with
// {"data": file}, a download 302 with the signed URL in Location.

var laterFiles2026 = "files -> GET /v2/files, GET /v2/files/{file_id}, POST /v2/files/upload (multipart/form-data, 50 MB), " +
	"GET /v2/files/{file_id}/download (302 to a signed URL): files/list-files, get-a-file, upload-a-file, download-a-file"

// overlayFiles adds the file operations to the document.
func overlayFiles(doc map[string]any) {
	paths := dig(doc, "paths")
	uuid := map[string]any{"type": "string", "format": "uuid"}
	str := map[string]any{"type": "string"}
	required := func(p map[string]any) map[string]any { p["required"] = true; return p }
	paths["/v2/files"] = map[string]any{"get": map[string]any{
		"summary": "List files",
		"parameters": []any{
			required(queryParam("object", str)), required(queryParam("record_id", uuid)),
			queryParam("storage_provider", map[string]any{"type": "string", "enum": []any{"attio", "dropbox", "box", "google-drive", "microsoft-onedrive"}}),
			queryParam("parent_folder_id", uuid),
			queryParam("limit", map[string]any{"type": "integer", "minimum": 1, "maximum": 200}),
			queryParam("cursor", str),
		},
		"responses": cursorList("#/components/schemas/file"),
	}}
	paths["/v2/files/{file_id}"] = map[string]any{"get": map[string]any{
		"summary": "Get a file", "parameters": []any{pathParam("file_id", uuid)},
		"responses": dataOf("#/components/schemas/file"),
	}}
	paths["/v2/files/upload"] = map[string]any{"post": map[string]any{
		"summary": "Upload a file",
		"requestBody": map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"file": map[string]any{"type": "string", "format": "binary"}, "object": str, "record_id": uuid, "parent_folder_id": uuid,
			},
			"required": []any{"file", "object", "record_id"},
		}}}},
		"responses": dataOf("#/components/schemas/file"),
	}}
	paths["/v2/files/{file_id}/download"] = map[string]any{"get": map[string]any{
		"summary": "Download a file", "parameters": []any{pathParam("file_id", uuid)},
		"responses": map[string]any{"302": map[string]any{
			"description": "Redirect to a signed URL",
			"headers":     map[string]any{"Location": map[string]any{"required": true, "schema": map[string]any{"type": "string", "format": "uri"}}},
		}},
	}}
}
