package server

import (
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

// FuzzFilterTranslation decodes arbitrary bytes as a Filter and translates it. Nothing may panic;
// a tree beyond the node or depth bounds is refused (so translation work and the JSON it builds
// stay bounded); an accepted tree always encodes as JSON. Its seeds run in every `go test`.
func FuzzFilterTranslation(f *testing.F) {
	cond := func(attr string, op attiov1.FilterOperator) *attiov1.Filter {
		return &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: attr, Op: op,
			Operand: &attiov1.Condition_StringValue{StringValue: "x"}}}}
	}
	raw := `{"name": {"$eq": "Acme", "nested": [1, "a", null, true]}}`
	deep := cond("name", attiov1.FilterOperator_FILTER_OPERATOR_EQ)
	for range interceptors.MaxFilterDepth + 1 {
		deep = &attiov1.Filter{Node: &attiov1.Filter_Negate{Negate: deep}}
	}
	seeds := []*attiov1.Filter{
		{},
		cond("name", attiov1.FilterOperator_FILTER_OPERATOR_EQ),
		cond("name", attiov1.FilterOperator_FILTER_OPERATOR_UNSPECIFIED),
		{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "id", Op: attiov1.FilterOperator_FILTER_OPERATOR_IN}}},
		{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "n", Field: "f", Op: attiov1.FilterOperator_FILTER_OPERATOR_GT,
			Operand: &attiov1.Condition_NumberValue{NumberValue: &attiov1.Decimal{Value: "1e400"}}}}},
		{Node: &attiov1.Filter_All{All: &attiov1.FilterList{Filters: []*attiov1.Filter{cond("a", 1), {Node: &attiov1.Filter_Any{Any: &attiov1.FilterList{}}}}}}},
		{Node: &attiov1.Filter_Path{Path: &attiov1.PathFilter{Path: []*attiov1.PathStep{{Object: "people", Attribute: "company"}}, Constraints: cond("name", 1)}}},
		{Node: &attiov1.Filter_Path{Path: &attiov1.PathFilter{}}},
		{Node: &attiov1.Filter_RawJson{RawJson: raw}},
		{Node: &attiov1.Filter_Negate{}},
		deep,
	}
	for _, s := range seeds {
		b, err := proto.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var flt attiov1.Filter
		if proto.Unmarshal(b, &flt) != nil {
			return
		}
		out, err := queryFilter(&flt)
		if interceptors.CheckFilter(&flt) != nil {
			if err == nil {
				t.Fatal("a filter beyond the bounds was translated")
			}
			return
		}
		if err != nil {
			return
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("translated filter does not encode: %v", err)
		}
	})
}
