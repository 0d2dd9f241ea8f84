package attio

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
)

// Sort orders a query: by Attribute (and optionally one of its Fields), or
// by a Path through record references.
type Sort struct {
	Direction string     `json:"direction"` // "asc" | "desc"
	Attribute string     `json:"attribute,omitempty"`
	Field     string     `json:"field,omitempty"`
	Path      [][]string `json:"path,omitempty"`
}

// Query is the body of records/query and entries/query. Limit 0 means 500.
type Query struct {
	Filter Filter `json:"filter,omitzero"`
	Sorts  []Sort `json:"sorts,omitempty"`
	Limit  int    `json:"limit,omitempty"`
	Offset int    `json:"offset,omitempty"`
}

const defaultQueryLimit = 500

// ValuesQuery pages the value history of one attribute.
type ValuesQuery struct {
	ShowHistoric bool
	Limit        int // 0 = 100
	Offset       int
}

func (q ValuesQuery) values(limit int) url.Values {
	v := pageQuery(nil, limit, q.Offset)
	if q.ShowHistoric {
		v.Set("show_historic", "true")
	}
	return v
}

type valuesBody struct {
	Values Values `json:"values"`
}

func values(v Values) valuesBody { return valuesBody{v} }

// ---- records

// QueryRecordsPage runs one page of POST /objects/{object}/records/query.
func (c *Client) QueryRecordsPage(ctx context.Context, object string, q Query) (Page[Record], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getData[[]Record](c, ctx, call{ep: epQueryRecords, params: []string{object}, body: q})
	if err != nil {
		return Page[Record]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// QueryRecords iterates over every matching record from q.Offset on.
func (c *Client) QueryRecords(ctx context.Context, object string, q Query) iter.Seq2[Record, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Record], error) {
		q.Offset = at.offset
		return c.QueryRecordsPage(ctx, object, q)
	})
}

// GetRecord returns one record.
func (c *Client) GetRecord(ctx context.Context, object, recordID string) (Record, error) {
	return getData[Record](c, ctx, call{ep: epGetRecord, params: []string{object, recordID}})
}

// CreateRecord creates a record with vals, attribute slugs/ids to their
// typed input values.
func (c *Client) CreateRecord(ctx context.Context, object string, vals Values) (Record, error) {
	return getData[Record](c, ctx, call{ep: epCreateRecord, params: []string{object}, body: dataBody{values(vals)}})
}

// AssertRecord creates or updates the record whose matchingAttribute (a
// unique attribute) equals the value given in vals.
func (c *Client) AssertRecord(ctx context.Context, object, matchingAttribute string, vals Values) (Record, error) {
	return getData[Record](c, ctx, call{ep: epAssertRecord, params: []string{object},
		query: url.Values{"matching_attribute": {matchingAttribute}}, body: dataBody{values(vals)}})
}

// UpdateRecord (PATCH) sets the given attributes; multiselect values are
// appended to the existing ones.
func (c *Client) UpdateRecord(ctx context.Context, object, recordID string, vals Values) (Record, error) {
	return getData[Record](c, ctx, call{ep: epUpdateRecord, params: []string{object, recordID}, body: dataBody{values(vals)}})
}

// OverwriteRecord (PUT) sets the given attributes; multiselect values
// replace the existing ones.
func (c *Client) OverwriteRecord(ctx context.Context, object, recordID string, vals Values) (Record, error) {
	return getData[Record](c, ctx, call{ep: epOverwriteRecord, params: []string{object, recordID}, body: dataBody{values(vals)}})
}

// DeleteRecord deletes a record.
func (c *Client) DeleteRecord(ctx context.Context, object, recordID string) error {
	return c.do(ctx, call{ep: epDeleteRecord, params: []string{object, recordID}})
}

// RecordValuesPage fetches one page of an attribute's values on a record
// (with ShowHistoric, the whole history).
func (c *Client) RecordValuesPage(ctx context.Context, object, recordID, attribute string, q ValuesQuery) (Page[Value], error) {
	limit := withLimit(q.Limit, 100)
	items, err := getData[[]Value](c, ctx, call{ep: epRecordValues, params: []string{object, recordID, attribute}, query: q.values(limit)})
	if err != nil {
		return Page[Value]{}, err
	}
	return offsetPage(items, q.Offset, limit), nil
}

// RecordValues iterates over an attribute's values on a record.
func (c *Client) RecordValues(ctx context.Context, object, recordID, attribute string, q ValuesQuery) iter.Seq2[Value, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Value], error) {
		q.Offset = at.offset
		return c.RecordValuesPage(ctx, object, recordID, attribute, q)
	})
}

// RecordEntriesPage fetches one page of the list entries of a record. Limit 0 = 1000.
func (c *Client) RecordEntriesPage(ctx context.Context, object, recordID string, q PageQuery) (Page[RecordEntry], error) {
	return offsetGET[RecordEntry](c, ctx, epRecordEntries, []string{object, recordID}, nil, withLimit(q.Limit, 1000), q.Offset)
}

// RecordEntries iterates over the list entries of a record.
func (c *Client) RecordEntries(ctx context.Context, object, recordID string, q PageQuery) iter.Seq2[RecordEntry, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[RecordEntry], error) {
		q.Offset = at.offset
		return c.RecordEntriesPage(ctx, object, recordID, q)
	})
}

// SearchRequest is the body of the fuzzy record search. RequestAs nil
// searches as the workspace.
type SearchRequest struct {
	Query     string    `json:"query"`
	Limit     int       `json:"limit,omitempty"` // 1..25, default 25
	Objects   []string  `json:"objects"`
	RequestAs *SearchAs `json:"request_as"`
}

// SearchAs is whose view a search sees: a workspace member by id or email address, or (both
// empty) the whole workspace.
type SearchAs struct {
	WorkspaceMemberID string
	EmailAddress      string
}

// MarshalJSON writes {"type": "workspace"} or {"type": "workspace-member", ...}.
func (s SearchAs) MarshalJSON() ([]byte, error) {
	switch {
	case s.WorkspaceMemberID != "":
		return json.Marshal(map[string]string{"type": "workspace-member", "workspace_member_id": s.WorkspaceMemberID})
	case s.EmailAddress != "":
		return json.Marshal(map[string]string{"type": "workspace-member", "email_address": s.EmailAddress})
	}
	return []byte(`{"type":"workspace"}`), nil
}

// SearchRecords runs a fuzzy search over records of the given objects.
func (c *Client) SearchRecords(ctx context.Context, req SearchRequest) ([]SearchResult, error) {
	if req.RequestAs == nil {
		req.RequestAs = &SearchAs{}
	}
	if req.Objects == nil {
		req.Objects = []string{}
	}
	return getData[[]SearchResult](c, ctx, call{ep: epSearchRecords, body: req})
}

// ---- entries

// EntryInput creates (or asserts) a list entry for a parent record.
type EntryInput struct {
	ParentRecordID string `json:"parent_record_id"`
	ParentObject   string `json:"parent_object"`
	EntryValues    Values `json:"entry_values"`
}

type entryValuesBody struct {
	EntryValues Values `json:"entry_values"`
}

func entryValues(v Values) entryValuesBody { return entryValuesBody{v} }

// QueryEntriesPage runs one page of POST /lists/{list}/entries/query.
func (c *Client) QueryEntriesPage(ctx context.Context, list string, q Query) (Page[Entry], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getData[[]Entry](c, ctx, call{ep: epQueryEntries, params: []string{list}, body: q})
	if err != nil {
		return Page[Entry]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// QueryEntries iterates over every matching entry from q.Offset on.
func (c *Client) QueryEntries(ctx context.Context, list string, q Query) iter.Seq2[Entry, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Entry], error) {
		q.Offset = at.offset
		return c.QueryEntriesPage(ctx, list, q)
	})
}

// GetEntry returns one list entry.
func (c *Client) GetEntry(ctx context.Context, list, entryID string) (Entry, error) {
	return getData[Entry](c, ctx, call{ep: epGetEntry, params: []string{list, entryID}})
}

// CreateEntry adds a record to a list.
func (c *Client) CreateEntry(ctx context.Context, list string, in EntryInput) (Entry, error) {
	return getData[Entry](c, ctx, call{ep: epCreateEntry, params: []string{list}, body: dataBody{in}})
}

// AssertEntry (PUT /entries) creates the parent record's entry or updates
// it when the record is already in the list.
func (c *Client) AssertEntry(ctx context.Context, list string, in EntryInput) (Entry, error) {
	return getData[Entry](c, ctx, call{ep: epAssertEntry, params: []string{list}, body: dataBody{in}})
}

// UpdateEntry (PATCH) sets entry values; multiselect values are appended.
func (c *Client) UpdateEntry(ctx context.Context, list, entryID string, vals Values) (Entry, error) {
	return getData[Entry](c, ctx, call{ep: epUpdateEntry, params: []string{list, entryID}, body: dataBody{entryValues(vals)}})
}

// OverwriteEntry (PUT) sets entry values; multiselect values are replaced.
func (c *Client) OverwriteEntry(ctx context.Context, list, entryID string, vals Values) (Entry, error) {
	return getData[Entry](c, ctx, call{ep: epOverwriteEntry, params: []string{list, entryID}, body: dataBody{entryValues(vals)}})
}

// DeleteEntry removes an entry from its list.
func (c *Client) DeleteEntry(ctx context.Context, list, entryID string) error {
	return c.do(ctx, call{ep: epDeleteEntry, params: []string{list, entryID}})
}

// EntryValuesPage fetches one page of an attribute's values on an entry.
func (c *Client) EntryValuesPage(ctx context.Context, list, entryID, attribute string, q ValuesQuery) (Page[Value], error) {
	limit := withLimit(q.Limit, 100)
	items, err := getData[[]Value](c, ctx, call{ep: epEntryValues, params: []string{list, entryID, attribute}, query: q.values(limit)})
	if err != nil {
		return Page[Value]{}, err
	}
	return offsetPage(items, q.Offset, limit), nil
}

// EntryValues iterates over an attribute's values on an entry.
func (c *Client) EntryValues(ctx context.Context, list, entryID, attribute string, q ValuesQuery) iter.Seq2[Value, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Value], error) {
		q.Offset = at.offset
		return c.EntryValuesPage(ctx, list, entryID, attribute, q)
	})
}
