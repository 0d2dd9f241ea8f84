package attio

import (
	"context"
	"encoding/json"
	"fmt"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// Activity records (beta): the events logged against an activity, from Attio's reference pages
// https://docs.attio.com/rest-api/endpoint-reference/activity-records/list-activity-records
// (POST .../records/query: filter, sorts, limit, offset), create-an-activity-record,
// upsert-an-activity-record (PUT with matching_attribute), get-an-activity-record,
// update-an-activity-record-append-multiselect-values (PATCH),
// update-an-activity-record-overwrite-multiselect-values (PUT) and delete-an-activity-record. An
// activity record is {id: {workspace_id, activity_id, record_id}, created_at, values}: an object
// record's shape without web_url, with the same values, so they decode with the record decoder.

// ActivityRecordID identifies an activity record.
type ActivityRecordID struct {
	WorkspaceID string `json:"workspace_id"`
	ActivityID  string `json:"activity_id"`
	RecordID    string `json:"record_id"`
}

// activityRecordIDs holds just the ids of {"data": record} or {"data": [record, ...]}: the record
// decoder reads the rest, and knows object ids only.
type activityRecordIDs[T any] struct {
	Data T `json:"data"`
}

type activityRecordIDOnly struct {
	ID ActivityRecordID `json:"id"`
}

// asActivityRecord moves what the record decoder read into an activity record with its id.
func asActivityRecord(r *attiov1.Record, id ActivityRecordID) *attiov1.ActivityRecord {
	return &attiov1.ActivityRecord{
		Id:        &attiov1.ActivityRecordId{WorkspaceId: id.WorkspaceID, ActivityId: id.ActivityID, RecordId: id.RecordID},
		CreatedAt: r.GetCreatedAt(),
		Values:    r.GetValues(),
		ExtraJson: r.GetExtraJson(),
	}
}

// DecodeActivityRecord decodes Attio's answer holding one activity record, {"data": record}.
func DecodeActivityRecord(body []byte) (*attiov1.ActivityRecord, error) {
	r, err := DecodeRecord(body)
	if err != nil {
		return nil, err
	}
	var ids activityRecordIDs[activityRecordIDOnly]
	if err := json.Unmarshal(body, &ids); err != nil {
		return nil, fmt.Errorf("activity record id: %w", err)
	}
	return asActivityRecord(r, ids.Data.ID), nil
}

// DecodeActivityRecords decodes Attio's answer to an activity records query, {"data": [record, ...]}.
func DecodeActivityRecords(body []byte) ([]*attiov1.ActivityRecord, error) {
	rs, err := DecodeRecords(body)
	if err != nil {
		return nil, err
	}
	var ids activityRecordIDs[[]activityRecordIDOnly]
	if err := json.Unmarshal(body, &ids); err != nil {
		return nil, fmt.Errorf("activity record ids: %w", err)
	}
	if len(ids.Data) != len(rs) {
		return nil, fmt.Errorf("activity records: %d ids for %d records", len(ids.Data), len(rs))
	}
	out := make([]*attiov1.ActivityRecord, len(rs))
	for i, r := range rs {
		out[i] = asActivityRecord(r, ids.Data[i].ID)
	}
	return out, nil
}

// QueryActivityRecordMessages runs one page of POST /activities/{activity}/records/query.
func (c *Client) QueryActivityRecordMessages(ctx context.Context, activity string, q Query) (Page[*attiov1.ActivityRecord], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getDecoded(c, ctx, call{ep: epQueryActivityRecords, params: []string{activity}, body: q}, DecodeActivityRecords)
	if err != nil {
		return Page[*attiov1.ActivityRecord]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// GetActivityRecordMessage returns one activity record.
func (c *Client) GetActivityRecordMessage(ctx context.Context, activity, recordID string) (*attiov1.ActivityRecord, error) {
	return getDecoded(c, ctx, call{ep: epGetActivityRecord, params: []string{activity, recordID}}, DecodeActivityRecord)
}

// WriteActivityRecordMessage performs an activity record write (the same four as for records:
// create, assert, append, overwrite) and returns the activity record Attio answers with. recordID
// is empty for create and assert; matching is the assert's unique attribute.
func (c *Client) WriteActivityRecordMessage(ctx context.Context, w RecordWrite, activity, recordID, matching string, vals Values) (*attiov1.ActivityRecord, error) {
	return getDecoded(c, ctx, activityRecordWrites.call(w, activity, recordID, matching, vals), DecodeActivityRecord)
}

var activityRecordWrites = writeEndpoints{epCreateActivityRecord, epAssertActivityRecord, epUpdateActivityRecord, epOverwriteActivityRecord}

// DeleteActivityRecord deletes an activity record.
func (c *Client) DeleteActivityRecord(ctx context.Context, activity, recordID string) error {
	return c.do(ctx, call{ep: epDeleteActivityRecord, params: []string{activity, recordID}})
}
