package interceptors_test

import (
	"context"
	"fmt"
	"google.golang.org/protobuf/encoding/protojson"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
)

// countingRecords counts the creates that reached the handler.
type countingRecords struct {
	attiov1connect.UnimplementedRecordServiceHandler
	creates atomic.Int32
}

func (c *countingRecords) CreateRecord(context.Context, *attiov1.CreateRecordRequest) (*attiov1.CreateRecordResponse, error) {
	c.creates.Add(1)
	return &attiov1.CreateRecordResponse{}, nil
}

func textValue(n int) *attiov1.ValueInput {
	return &attiov1.ValueInput{Value: &attiov1.ValueInput_Text{Text: strings.Repeat("a", n)}}
}

// withKeys is a create with n attributes of one short text value each.
func withKeys(n int) *attiov1.CreateRecordRequest {
	vals := make(map[string]*attiov1.ValueInputList, n)
	for i := range n {
		vals[fmt.Sprintf("attr_%d", i)] = &attiov1.ValueInputList{Values: []*attiov1.ValueInput{textValue(8)}}
	}
	return &attiov1.CreateRecordRequest{Object: "people", Values: vals}
}

// TestWriteSizeLimits: through the production chain, a write beyond a bound is InvalidArgument
// with a short message, and neither the describer, the approval store nor the handler sees it;
// a write at the bound goes on to ask for approval.
func TestWriteSizeLimits(t *testing.T) {
	t.Parallel()
	var described atomic.Int32
	store := interceptors.NewMemoryApprovalStore(nil)
	a, err := interceptors.NewApprovals(interceptors.ApprovalOptions{Secret: []byte(testSecret), Store: store,
		Describer: interceptors.DescriberFunc(func(context.Context, string, proto.Message) (string, []*attiov1.FieldChange, error) {
			described.Add(1)
			return "a write", nil, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	handler := &countingRecords{}
	srv := connect.NewServer(interceptors.Chain(interceptors.ChainConfig{
		Logger: slog.New(slog.DiscardHandler), Auth: principalHeader, Approvals: a.Interceptor(),
	})...)
	attiov1connect.RegisterRecordServiceHandler(srv, handler)
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	rec := attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL)))

	manyInOneList := withKeys(1)
	manyInOneList.Values["attr_0"].Values = make([]*attiov1.ValueInput, interceptors.MaxValuesPerWrite+1)
	for i := range manyInOneList.Values["attr_0"].Values {
		manyInOneList.Values["attr_0"].Values[i] = textValue(1)
	}
	spreadOver := withKeys(2)
	spreadOver.Values["attr_0"].Values = manyInOneList.Values["attr_0"].Values[:interceptors.MaxValuesPerWrite]
	bigValue := withKeys(1)
	bigValue.Values["attr_0"].Values[0] = textValue(interceptors.MaxValueBytes) // plus its tag and length
	atBound := withKeys(1)
	atBound.Values["attr_0"].Values[0] = textValue(interceptors.MaxValueBytes - 4)
	tests := []struct {
		name   string
		req    *attiov1.CreateRecordRequest
		refuse bool
	}{
		{"100,000 keys", withKeys(100000), true},
		{"one key over", withKeys(interceptors.MaxValuesPerWrite + 1), true},
		{"one list over", manyInOneList, true},
		{"keys plus list values over", spreadOver, true},
		{"value over its byte bound", bigValue, true},
		{"keys at the bound", withKeys(interceptors.MaxValuesPerWrite), false},
		{"value at its byte bound", atBound, false},
	}
	for _, tt := range tests {
		before := described.Load()
		stored, _ := store.List(t.Context())
		_, err := rec.CreateRecord(as("writer"), tt.req)
		after, _ := store.List(t.Context())
		if !tt.refuse {
			approvalRequired(t, err)
			if described.Load() != before+1 || len(after) != len(stored)+1 {
				t.Fatalf("%s: a write at the bound did not reach the approval step", tt.name)
			}
			continue
		}
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Fatalf("%s: %v, want InvalidArgument", tt.name, err)
		}
		if n := len(err.Error()); n > 300 {
			t.Fatalf("%s: error of %d bytes", tt.name, n)
		}
		if described.Load() != before || len(after) != len(stored) {
			t.Fatalf("%s: refused write was described or stored", tt.name)
		}
	}
	if n := handler.creates.Load(); n != 0 {
		t.Fatalf("handler ran %d times", n)
	}
}

// deepNot nests n filter nodes in a chain of $not.
func deepNot(n int) *attiov1.Filter {
	f := &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "name",
		Op: attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY}}}
	for range n - 1 {
		f = &attiov1.Filter{Node: &attiov1.Filter_Negate{Negate: f}}
	}
	return f
}

// wideAnd is an $and of n-1 conditions (n nodes).
func wideAnd(n int) *attiov1.Filter {
	l := &attiov1.FilterList{}
	for range n - 1 {
		l.Filters = append(l.Filters, deepNot(1))
	}
	return &attiov1.Filter{Node: &attiov1.Filter_All{All: l}}
}

func deepRaw(depth int) *attiov1.Filter {
	v := structpb.NewStringValue("x")
	for range depth - 2 {
		v = structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{"$not": v}})
	}
	b, err := protojson.Marshal(&structpb.Struct{Fields: map[string]*structpb.Value{"a": v}})
	if err != nil {
		panic(err)
	}
	return &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: string(b)}}
}

func inList(n int) *attiov1.Filter {
	vals := make([]string, n)
	return &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "record_id",
		Op:      attiov1.FilterOperator_FILTER_OPERATOR_IN,
		Operand: &attiov1.Condition_StringList{StringList: &attiov1.StringList{Values: vals}}}}}
}

// TestFilterLimits: trees at the node and depth bounds pass; one more node or level is refused.
func TestFilterLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    *attiov1.Filter
		ok   bool
	}{
		{"depth at the bound", deepNot(interceptors.MaxFilterDepth), true},
		{"one level deeper", deepNot(interceptors.MaxFilterDepth + 1), false},
		{"nodes at the bound", wideAnd(interceptors.MaxFilterNodes), true},
		{"one node more", wideAnd(interceptors.MaxFilterNodes + 1), false},
		{"a million nodes", wideAnd(1000000), false},
		{"raw at the depth bound", deepRaw(interceptors.MaxFilterDepth), true},
		{"raw one level deeper", deepRaw(interceptors.MaxFilterDepth + 1), false},
		{"$in at the bound", inList(interceptors.MaxFilterNodes - 1), true},
		{"$in over the bound", inList(interceptors.MaxFilterNodes), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := interceptors.CheckFilter(tt.f)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckFilter = %v, want ok %v", err, tt.ok)
			}
			// The same bound applies wherever a filter travels in a request.
			req := &attiov1.QueryRecordsRequest{Object: "people", Filter: tt.f}
			if err := interceptors.CheckRequestSize(req); (err == nil) != tt.ok {
				t.Fatalf("CheckRequestSize = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
