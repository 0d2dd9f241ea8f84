package attio

import (
	"context"
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

// asActivityRecord moves what the record decoder read into an activity record with its id.
func asActivityRecord(r *attiov1.Record, id ActivityRecordID) *attiov1.ActivityRecord {
	return &attiov1.ActivityRecord{
		Id:        &attiov1.ActivityRecordId{WorkspaceId: id.WorkspaceID, ActivityId: id.ActivityID, RecordId: id.RecordID},
		CreatedAt: r.GetCreatedAt(),
		Values:    r.GetValues(),
		ExtraJson: r.GetExtraJson(),
	}
}

// DecodeActivityRecord decodes Attio's answer holding one activity record, {"data": record}, in
// one pass of the record decoder, which reads the activity_id of its id too.
func DecodeActivityRecord(body []byte) (*attiov1.ActivityRecord, error) {
	out, err := decodeOne(body, (*decoder).activityRecord, func() *attiov1.ActivityRecord {
		return asActivityRecord(&attiov1.Record{Id: &attiov1.RecordId{}}, ActivityRecordID{})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecodeActivityRecords decodes Attio's answer to an activity records query, {"data": [record, ...]}.
func DecodeActivityRecords(body []byte) ([]*attiov1.ActivityRecord, error) {
	var out []*attiov1.ActivityRecord
	err := decodeData(body, true, func(p *decoder) error {
		r, err := p.activityRecord()
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// activityRecord is the next record as an activity record. An activity_id that is not a string
// is not Attio's shape.
func (p *decoder) activityRecord() (*attiov1.ActivityRecord, error) {
	r, err := p.record()
	if err == nil && p.activityBad {
		err = fmt.Errorf("activity record id: activity_id is not a string: %w", errShape)
	}
	return asActivityRecord(r, ActivityRecordID{WorkspaceID: r.Id.WorkspaceId, ActivityID: p.activityID, RecordID: r.Id.RecordId}), err
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
