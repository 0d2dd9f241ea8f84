package attio

import (
	"bytes"
	"context"
	"net/url"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The record and entry endpoints again, answering with the contract's messages (gen/attio/v1)
// decoded in one pass (decode_records.go), or with Attio's own JSON per item. The facade serves
// from these; the struct-returning methods remain for library users.

// getDecoded performs cl and decodes its whole body with decode.
func getDecoded[T any](c *Client, ctx context.Context, cl call, decode func([]byte) (T, error)) (T, error) {
	var out T
	cl.decodeBody = func(b []byte) (err error) {
		out, err = decode(b)
		return err
	}
	err := c.do(ctx, cl)
	return out, err
}

// decodeRaw keeps its own copy of the page: the items are slices of it and outlive the pooled
// buffer the body was read into.
func decodeRaw(idKey string) func([]byte) ([]RawItem, error) {
	return func(b []byte) ([]RawItem, error) { return DecodeRawItems(bytes.Clone(b), idKey) }
}

// QueryRecordMessages runs one page of POST /objects/{object}/records/query.
func (c *Client) QueryRecordMessages(ctx context.Context, object string, q Query) (Page[*attiov1.Record], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getDecoded(c, ctx, call{ep: epQueryRecords, params: []string{object}, body: q}, DecodeRecords)
	if err != nil {
		return Page[*attiov1.Record]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// QueryRecordsJSON runs one page of records/query and returns each record as Attio sent it.
func (c *Client) QueryRecordsJSON(ctx context.Context, object string, q Query) (Page[RawItem], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getDecoded(c, ctx, call{ep: epQueryRecords, params: []string{object}, body: q}, decodeRaw("record_id"))
	if err != nil {
		return Page[RawItem]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// GetRecordMessage returns one record.
func (c *Client) GetRecordMessage(ctx context.Context, object, recordID string) (*attiov1.Record, error) {
	return getDecoded(c, ctx, call{ep: epGetRecord, params: []string{object, recordID}}, DecodeRecord)
}

// RecordWrite names one of the record writes that answer with the record.
type RecordWrite int

// The record writes.
const (
	RecordCreate    RecordWrite = iota // POST: create
	RecordAssert                       // PUT with matching_attribute: create or update
	RecordUpdate                       // PATCH: multiselect values are appended
	RecordOverwrite                    // PUT: multiselect values are replaced
)

// WriteRecordMessage performs a record write and returns the record Attio answers with.
// recordID is empty for create and assert; matching is the assert's unique attribute.
func (c *Client) WriteRecordMessage(ctx context.Context, w RecordWrite, object, recordID, matching string, vals Values) (*attiov1.Record, error) {
	return getDecoded(c, ctx, recordWrites.call(w, object, recordID, matching, vals), DecodeRecord)
}

// writeEndpoints are the four writes of a kind of record (an object's, an activity's), in
// RecordWrite order.
type writeEndpoints [4]*endpoint

var recordWrites = writeEndpoints{epCreateRecord, epAssertRecord, epUpdateRecord, epOverwriteRecord}

// call is write w of vals under parent (and recordID, for the updates).
func (e writeEndpoints) call(w RecordWrite, parent, recordID, matching string, vals Values) call {
	cl := call{ep: e[w], params: []string{parent}, body: dataBody{values(vals)}}
	switch w {
	case RecordAssert:
		cl.query = url.Values{"matching_attribute": {matching}}
	case RecordUpdate, RecordOverwrite:
		cl.params = []string{parent, recordID}
	}
	return cl
}

// RecordValueMessages fetches one page of an attribute's values on a record.
func (c *Client) RecordValueMessages(ctx context.Context, object, recordID, attribute string, q ValuesQuery) (Page[*attiov1.Value], error) {
	limit := withLimit(q.Limit, 100)
	items, err := getDecoded(c, ctx, call{ep: epRecordValues, params: []string{object, recordID, attribute}, query: q.values(limit)}, DecodeValues)
	if err != nil {
		return Page[*attiov1.Value]{}, err
	}
	return offsetPage(items, q.Offset, limit), nil
}

// QueryEntryMessages runs one page of POST /lists/{list}/entries/query.
func (c *Client) QueryEntryMessages(ctx context.Context, list string, q Query) (Page[*attiov1.Entry], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getDecoded(c, ctx, call{ep: epQueryEntries, params: []string{list}, body: q}, DecodeEntries)
	if err != nil {
		return Page[*attiov1.Entry]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// QueryEntriesJSON runs one page of entries/query and returns each entry as Attio sent it.
func (c *Client) QueryEntriesJSON(ctx context.Context, list string, q Query) (Page[RawItem], error) {
	q.Limit = withLimit(q.Limit, defaultQueryLimit)
	items, err := getDecoded(c, ctx, call{ep: epQueryEntries, params: []string{list}, body: q}, decodeRaw("entry_id"))
	if err != nil {
		return Page[RawItem]{}, err
	}
	return offsetPage(items, q.Offset, q.Limit), nil
}

// GetEntryMessage returns one list entry.
func (c *Client) GetEntryMessage(ctx context.Context, list, entryID string) (*attiov1.Entry, error) {
	return getDecoded(c, ctx, call{ep: epGetEntry, params: []string{list, entryID}}, DecodeEntry)
}

// EntryWrite names one of the entry writes that answer with the entry.
type EntryWrite int

// The entry writes.
const (
	EntryCreate    EntryWrite = iota // POST: add the record to the list
	EntryAssert                      // PUT: add it, or update its entry
	EntryUpdate                      // PATCH: multiselect values are appended
	EntryOverwrite                   // PUT: multiselect values are replaced
)

// WriteEntryMessage performs an entry write and returns the entry Attio answers with. in is used
// by create and assert; entryID and vals by update and overwrite.
func (c *Client) WriteEntryMessage(ctx context.Context, w EntryWrite, list, entryID string, in EntryInput, vals Values) (*attiov1.Entry, error) {
	cl := call{ep: epCreateEntry, params: []string{list}, body: dataBody{in}}
	switch w {
	case EntryAssert:
		cl.ep = epAssertEntry
	case EntryUpdate:
		cl.ep, cl.params, cl.body = epUpdateEntry, []string{list, entryID}, dataBody{entryValues(vals)}
	case EntryOverwrite:
		cl.ep, cl.params, cl.body = epOverwriteEntry, []string{list, entryID}, dataBody{entryValues(vals)}
	}
	return getDecoded(c, ctx, cl, DecodeEntry)
}

// EntryValueMessages fetches one page of an attribute's values on an entry.
func (c *Client) EntryValueMessages(ctx context.Context, list, entryID, attribute string, q ValuesQuery) (Page[*attiov1.Value], error) {
	limit := withLimit(q.Limit, 100)
	items, err := getDecoded(c, ctx, call{ep: epEntryValues, params: []string{list, entryID, attribute}, query: q.values(limit)}, DecodeValues)
	if err != nil {
		return Page[*attiov1.Value]{}, err
	}
	return offsetPage(items, q.Offset, limit), nil
}
