package sandbox

// The answer of GET /scim/v2/Schemas, after the example on Attio's reference page
// https://docs.attio.com/rest-api/scim/list-schemas: the User schema (a workspace member) and the
// Group schema (a team).
const scimSchemasJSON = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"startIndex":1,"itemsPerPage":2,"Resources":[` +
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Schema"],"id":"urn:ietf:params:scim:schemas:core:2.0:User","name":"User","description":"Attio workspace member","attributes":[` +
	`{"name":"userName","type":"string","multiValued":false,"description":"Primary email of the user","required":true,"mutability":"readWrite","returned":"default","uniqueness":"server"},` +
	`{"name":"name","type":"complex","multiValued":false,"description":"The user's name","required":false,"mutability":"readWrite","returned":"default","subAttributes":[` +
	`{"name":"givenName","type":"string","multiValued":false,"description":"The user's first name","required":false,"mutability":"readWrite","returned":"default"},` +
	`{"name":"familyName","type":"string","multiValued":false,"description":"The user's last name","required":false,"mutability":"readWrite","returned":"default"}]},` +
	`{"name":"emails","type":"complex","multiValued":true,"description":"Email addresses for the user","required":false,"mutability":"readOnly","returned":"default","subAttributes":[` +
	`{"name":"value","type":"string","multiValued":false,"description":"The email address","required":false,"mutability":"readOnly","returned":"default"},` +
	`{"name":"primary","type":"boolean","multiValued":false,"description":"Whether this is the primary email address","required":false,"mutability":"readOnly","returned":"default"}]},` +
	`{"name":"active","type":"boolean","multiValued":false,"description":"A Boolean value indicating the User's access to a workspace","required":false,"mutability":"readWrite","returned":"default","uniqueness":"none"},` +
	`{"name":"appRole","type":"string","multiValued":false,"description":"The user's access level within the workspace. Can be set to 'admin' or 'member'.","required":false,"canonicalValues":["admin","member"],"mutability":"readWrite","returned":"default","uniqueness":"none"}],` +
	`"meta":{"resourceType":"Schema","location":"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"}},` +
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Schema"],"id":"urn:ietf:params:scim:schemas:core:2.0:Group","name":"Group","description":"Attio's team","attributes":[` +
	`{"name":"displayName","type":"string","multiValued":false,"description":"The name of the team","required":true,"mutability":"readWrite","returned":"default","uniqueness":"none"},` +
	`{"name":"members","type":"complex","multiValued":true,"description":"The members of the team","required":false,"mutability":"readWrite","returned":"default","subAttributes":[` +
	`{"name":"value","type":"string","multiValued":false,"description":"The id of the member","required":false,"mutability":"immutable","returned":"default"}]}],` +
	`"meta":{"resourceType":"Schema","location":"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group"}}]}`

func hScimSchemas(rc *reqCtx) ([]byte, *apiError) { return []byte(scimSchemasJSON), nil }
