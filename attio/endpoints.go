package attio

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// endpoint is one upstream operation. name is what observers, span names and
// errors show: "METHOD /template" with Attio's own path (including /v2) for
// the data plane, and Maton's path for the control plane.
type endpoint struct {
	name    string
	method  string
	segs    []string // template split on "/", placeholders kept as "{x}"
	write   bool     // counts against Attio's write budget
	retry   bool     // safe to resend after the request may have been processed
	control bool     // Maton control plane (ctrl.maton.ai)
	scim    bool     // SCIM: at /scim/v2 from the API's root (beside /v2), application/scim+json
}

func newEndpoint(method, tmpl string, control bool) *endpoint {
	ep := &endpoint{name: method + " " + tmpl, method: method, control: control}
	path := tmpl
	if !control {
		// The base URL already ends in /v2 (https://api.maton.ai/attio/v2).
		path = strings.TrimPrefix(tmpl, "/v2")
	}
	ep.segs = strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch method {
	case http.MethodGet:
		ep.retry = true
	case http.MethodPut, http.MethodDelete:
		// PUT overwrites / asserts and DELETE removes: sending them twice
		// leaves the same state, so they are idempotent by nature.
		ep.write, ep.retry = true, true
	default:
		ep.write = true
	}
	return ep
}

// readPOST marks a POST that only reads (query, search): Attio counts it as
// a read and resending it is harmless.
func readPOST(tmpl string) *endpoint {
	ep := newEndpoint(http.MethodPost, tmpl, false)
	ep.write, ep.retry = false, true
	return ep
}

// retryablePOST marks a POST write that Attio documents as safe to resend (adding what is already
// there changes nothing).
func retryablePOST(tmpl string) *endpoint {
	ep := newEndpoint(http.MethodPost, tmpl, false)
	ep.retry = true
	return ep
}

// scimEP is a SCIM endpoint: its template starts at the API's root (/scim/v2/...), and it speaks
// application/scim+json.
func scimEP(method, tmpl string) *endpoint {
	ep := newEndpoint(method, tmpl, false)
	ep.scim = true
	return ep
}

func ep(method, tmpl string) *endpoint { return newEndpoint(method, tmpl, false) }

// path fills the template's placeholders in order, escaping each value as one segment ('/', '?',
// '#', '%' and control characters are percent-encoded). Values that no escaping keeps in their
// segment (empty, "." and "..", which hops resolve against the path) are refused.
func (e *endpoint) path(params ...string) (string, error) {
	var b strings.Builder
	i := 0
	for _, s := range e.segs {
		b.WriteByte('/')
		if strings.HasPrefix(s, "{") && i < len(params) {
			p := params[i]
			if p == "" || p == "." || p == ".." {
				return "", fmt.Errorf("%w: %s is %q", ErrPathParam, strings.Trim(s, "{}"), p)
			}
			b.WriteString(url.PathEscape(p))
			i++
			continue
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

var (
	epListObjects  = ep("GET", "/v2/objects")
	epCreateObject = ep("POST", "/v2/objects")
	epGetObject    = ep("GET", "/v2/objects/{object}")
	epUpdateObject = ep("PATCH", "/v2/objects/{object}")

	epListAttributes     = ep("GET", "/v2/{target}/{identifier}/attributes")
	epCreateAttribute    = ep("POST", "/v2/{target}/{identifier}/attributes")
	epGetAttribute       = ep("GET", "/v2/{target}/{identifier}/attributes/{attribute}")
	epUpdateAttribute    = ep("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}")
	epListSelectOptions  = ep("GET", "/v2/{target}/{identifier}/attributes/{attribute}/options")
	epCreateSelectOption = ep("POST", "/v2/{target}/{identifier}/attributes/{attribute}/options")
	epUpdateSelectOption = ep("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/options/{option}")
	epListStatuses       = ep("GET", "/v2/{target}/{identifier}/attributes/{attribute}/statuses")
	epCreateStatus       = ep("POST", "/v2/{target}/{identifier}/attributes/{attribute}/statuses")
	epUpdateStatus       = ep("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}")

	epQueryRecords    = readPOST("/v2/objects/{object}/records/query")
	epCreateRecord    = ep("POST", "/v2/objects/{object}/records")
	epAssertRecord    = ep("PUT", "/v2/objects/{object}/records")
	epGetRecord       = ep("GET", "/v2/objects/{object}/records/{record_id}")
	epUpdateRecord    = ep("PATCH", "/v2/objects/{object}/records/{record_id}")
	epOverwriteRecord = ep("PUT", "/v2/objects/{object}/records/{record_id}")
	epDeleteRecord    = ep("DELETE", "/v2/objects/{object}/records/{record_id}")
	epRecordValues    = ep("GET", "/v2/objects/{object}/records/{record_id}/attributes/{attribute}/values")
	epRecordEntries   = ep("GET", "/v2/objects/{object}/records/{record_id}/entries")
	epSearchRecords   = readPOST("/v2/objects/records/search")

	epListLists  = ep("GET", "/v2/lists")
	epCreateList = ep("POST", "/v2/lists")
	epGetList    = ep("GET", "/v2/lists/{list}")
	epUpdateList = ep("PATCH", "/v2/lists/{list}")

	epQueryEntries   = readPOST("/v2/lists/{list}/entries/query")
	epCreateEntry    = ep("POST", "/v2/lists/{list}/entries")
	epAssertEntry    = ep("PUT", "/v2/lists/{list}/entries")
	epGetEntry       = ep("GET", "/v2/lists/{list}/entries/{entry_id}")
	epUpdateEntry    = ep("PATCH", "/v2/lists/{list}/entries/{entry_id}")
	epOverwriteEntry = ep("PUT", "/v2/lists/{list}/entries/{entry_id}")
	epDeleteEntry    = ep("DELETE", "/v2/lists/{list}/entries/{entry_id}")
	epEntryValues    = ep("GET", "/v2/lists/{list}/entries/{entry_id}/attributes/{attribute}/values")

	epListWorkspaceMembers = ep("GET", "/v2/workspace_members")
	epGetWorkspaceMember   = ep("GET", "/v2/workspace_members/{workspace_member_id}")

	epListNotes  = ep("GET", "/v2/notes")
	epCreateNote = ep("POST", "/v2/notes")
	epGetNote    = ep("GET", "/v2/notes/{note_id}")
	epDeleteNote = ep("DELETE", "/v2/notes/{note_id}")

	epListTasks  = ep("GET", "/v2/tasks")
	epCreateTask = ep("POST", "/v2/tasks")
	epGetTask    = ep("GET", "/v2/tasks/{task_id}")
	epUpdateTask = ep("PATCH", "/v2/tasks/{task_id}")
	epDeleteTask = ep("DELETE", "/v2/tasks/{task_id}")

	epListThreads   = ep("GET", "/v2/threads")
	epGetThread     = ep("GET", "/v2/threads/{thread_id}")
	epCreateComment = ep("POST", "/v2/comments")
	epGetComment    = ep("GET", "/v2/comments/{comment_id}")
	epDeleteComment = ep("DELETE", "/v2/comments/{comment_id}")

	epListMeetings       = ep("GET", "/v2/meetings")
	epGetMeeting         = ep("GET", "/v2/meetings/{meeting_id}")
	epListCallRecordings = ep("GET", "/v2/meetings/{meeting_id}/call_recordings")
	epGetCallRecording   = ep("GET", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}")
	epGetTranscript      = ep("GET", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript")

	epCreateMeeting       = ep("POST", "/v2/meetings")
	epCreateCallRecording = ep("POST", "/v2/meetings/{meeting_id}/call_recordings")
	epDeleteCallRecording = ep("DELETE", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}")

	epListEmails            = ep("GET", "/v2/emails")
	epAddUnsubscribedEmails = retryablePOST("/v2/sequences/unsubscribed_emails")
	epQuerySQL              = readPOST("/v2/sql")

	epScimSchemas    = scimEP("GET", "/scim/v2/Schemas")
	epScimUsers      = scimEP("GET", "/scim/v2/Users")
	epScimUser       = scimEP("GET", "/scim/v2/Users/{user_id}")
	epCreateScimUser = scimEP("POST", "/scim/v2/Users")
	epUpdateScimUser = scimEP("PATCH", "/scim/v2/Users/{user_id}")
	epDeleteScimUser = scimEP("DELETE", "/scim/v2/Users/{user_id}")

	epListActivities = ep("GET", "/v2/activities")
	epGetActivity    = ep("GET", "/v2/activities/{activity}")
	epCreateActivity = ep("POST", "/v2/activities")
	epUpdateActivity = ep("PATCH", "/v2/activities/{activity}")
	epDeleteActivity = ep("DELETE", "/v2/activities/{activity}")

	epQueryActivityRecords    = readPOST("/v2/activities/{activity}/records/query")
	epCreateActivityRecord    = ep("POST", "/v2/activities/{activity}/records")
	epAssertActivityRecord    = ep("PUT", "/v2/activities/{activity}/records")
	epGetActivityRecord       = ep("GET", "/v2/activities/{activity}/records/{record_id}")
	epUpdateActivityRecord    = ep("PATCH", "/v2/activities/{activity}/records/{record_id}")
	epOverwriteActivityRecord = ep("PUT", "/v2/activities/{activity}/records/{record_id}")
	epDeleteActivityRecord    = ep("DELETE", "/v2/activities/{activity}/records/{record_id}")

	epScimGroups       = scimEP("GET", "/scim/v2/Groups")
	epScimGroup        = scimEP("GET", "/scim/v2/Groups/{workspace_team_id}")
	epCreateScimGroup  = scimEP("POST", "/scim/v2/Groups")
	epReplaceScimGroup = scimEP("PUT", "/scim/v2/Groups/{workspace_team_id}")
	epPatchScimGroup   = scimEP("PATCH", "/scim/v2/Groups/{workspace_team_id}")
	epDeleteScimGroup  = scimEP("DELETE", "/scim/v2/Groups/{workspace_team_id}")

	epListObjectViews = ep("GET", "/v2/objects/{object}/views")
	epGetObjectView   = ep("GET", "/v2/objects/{object}/views/{view_id}")
	epListListViews   = ep("GET", "/v2/lists/{list}/views")
	epGetListView     = ep("GET", "/v2/lists/{list}/views/{view_id}")

	epListFiles    = ep("GET", "/v2/files")
	epGetFile      = ep("GET", "/v2/files/{file_id}")
	epUploadFile   = ep("POST", "/v2/files/upload")
	epDownloadFile = ep("GET", "/v2/files/{file_id}/download")

	epListWebhooks  = ep("GET", "/v2/webhooks")
	epCreateWebhook = ep("POST", "/v2/webhooks")
	epGetWebhook    = ep("GET", "/v2/webhooks/{webhook_id}")
	epUpdateWebhook = ep("PATCH", "/v2/webhooks/{webhook_id}")
	epDeleteWebhook = ep("DELETE", "/v2/webhooks/{webhook_id}")

	epSelf = ep("GET", "/v2/self")

	epListConnections  = newEndpoint("GET", "/connections", true)
	epGetConnection    = newEndpoint("GET", "/connections/{connection_id}", true)
	epCreateConnection = newEndpoint("POST", "/connections", true)
	epDeleteConnection = newEndpoint("DELETE", "/connections/{connection_id}", true)
)
