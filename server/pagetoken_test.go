package server

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

func TestPageTokenBinding(t *testing.T) {
	t.Parallel()
	const proc = "/attio.v1.RecordService/QueryRecords"
	people := &attiov1.QueryRecordsRequest{Object: "people", PageSize: 10}
	digest := queryDigest(proc, "conn-a", people, pagingFields...)
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
			got, err := decodePageToken(tt.token, queryDigest(proc, tt.conn, tt.req, pagingFields...))
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

// TestPagingFieldsByName walks every request of the contract: page tokens bind a query by its
// request without the fields named in pagingFields, so every paging field must have one of those
// names, and setting them must not change the digest.
func TestPagingFieldsByName(t *testing.T) {
	t.Parallel()
	n := 0
	for _, proc := range interceptors.Procedures() {
		in := proc.Method.Input()
		mt, err := protoregistry.GlobalTypes.FindMessageByName(in.FullName())
		if err != nil {
			t.Fatal(err)
		}
		paged, hasPaging := mt.New(), false
		fields := in.Fields()
		for i := range fields.Len() {
			f := fields.Get(i)
			switch {
			case slices.Contains(pagingFields, f.Name()) && f.Kind() == protoreflect.StringKind:
				paged.Set(f, protoreflect.ValueOfString("some-token"))
				hasPaging = true
			case slices.Contains(pagingFields, f.Name()) && f.Kind() == protoreflect.Int32Kind:
				paged.Set(f, protoreflect.ValueOfInt32(7))
				hasPaging = true
			case slices.Contains(pagingFields, f.Name()):
				t.Errorf("%s.%s: a paging field of kind %v", in.FullName(), f.Name(), f.Kind())
			case strings.Contains(string(f.Name()), "page") || strings.HasSuffix(string(f.Name()), "_token"):
				t.Errorf("%s.%s looks like a paging field but is not named like one (%v)", in.FullName(), f.Name(), pagingFields)
			}
		}
		if !hasPaging {
			continue
		}
		n++
		if got, want := queryDigest(proc.Name, "c", paged.Interface(), pagingFields...), queryDigest(proc.Name, "c", mt.New().Interface()); got != want {
			t.Errorf("%s: its paging fields change the query digest", proc.Name)
		}
	}
	if n < 20 {
		t.Fatalf("only %d paged requests found", n)
	}
}
