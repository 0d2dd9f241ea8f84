package server

import (
	"errors"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"google.golang.org/protobuf/proto"
)

func clearRecordPaging(m proto.Message) {
	r := m.(*attiov1.QueryRecordsRequest)
	r.PageToken, r.PageSize = "", 0
}

func TestPageTokenBinding(t *testing.T) {
	t.Parallel()
	const proc = "/attio.v1.RecordService/QueryRecords"
	people := &attiov1.QueryRecordsRequest{Object: "people", PageSize: 10}
	digest := queryDigest(proc, "conn-a", people, clearRecordPaging)
	token := encodePageToken(pageToken{Query: digest, Offset: 10})

	tests := []struct {
		name    string
		req     *attiov1.QueryRecordsRequest
		conn    string
		token   string
		wantErr bool
		wantOff int64
	}{
		{name: "same query", req: people, conn: "conn-a", token: token, wantOff: 10},
		{name: "page size may change", req: &attiov1.QueryRecordsRequest{Object: "people", PageSize: 50}, conn: "conn-a", token: token, wantOff: 10},
		{name: "first page", req: people, conn: "conn-a", token: "", wantOff: 0},
		{name: "other object", req: &attiov1.QueryRecordsRequest{Object: "companies", PageSize: 10}, conn: "conn-a", token: token, wantErr: true},
		{name: "other filter", req: &attiov1.QueryRecordsRequest{Object: "people", Filter: &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "name", Op: attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY}}}}, conn: "conn-a", token: token, wantErr: true},
		{name: "other connection", req: people, conn: "conn-b", token: token, wantErr: true},
		{name: "garbage", req: people, conn: "conn-a", token: "!!not-base64!!", wantErr: true},
		{name: "not json", req: people, conn: "conn-a", token: "bm90IGpzb24", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodePageToken(tt.token, queryDigest(proc, tt.conn, tt.req, clearRecordPaging))
			if tt.wantErr {
				if !isBadPageToken(err) {
					t.Fatalf("want InvalidArgument page token error, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.Offset != tt.wantOff {
				t.Fatalf("offset = %d, want %d", got.Offset, tt.wantOff)
			}
		})
	}
}

// isBadPageToken reports whether err is the page token refusal.
func isBadPageToken(err error) bool {
	var ce *connect.Error
	return errors.As(err, &ce) && ce.Code() == connect.CodeInvalidArgument && ce.Message() == errBadPageToken
}
