package server

import (
	"context"
	"encoding/json"
	"testing"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
)

// TestViewFilterShapes: a view's condition is typed whatever its operand; a filter of another
// shape is kept in extra_json, and a query with that view is refused rather than run unfiltered.
func TestViewFilterShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		filter string
		typed  bool
	}{
		{`null`, true},
		{`{"attribute":"deal_size","op":"gte","value":1000.50}`, true},
		{`{"attribute":"is_active","op":"eq","value":true}`, true},
		{`{"attribute":"stage","op":"in","value":["Lead","Won"]}`, true},
		{`{"attribute":"email_addresses","op":"not_empty"}`, true},
		{`{"and":[{"attribute":"stage","op":"eq","value":"Lead"}]}`, false},
		{`{"attribute":"stage","op":"near","value":"Lead"}`, false},
		{`{"attribute":"stage","op":"eq","value":{"x":1}}`, false},
	} {
		v := attio.SavedView{ID: attio.SavedViewID{ViewID: "v"}, Filter: json.RawMessage(tc.filter)}
		out := toSavedView(&v)
		if tc.typed == (out.GetExtraJson() != "") || (tc.typed && tc.filter != "null" && out.GetFilter() == nil) {
			t.Errorf("%s: filter %v, extra %q", tc.filter, out.GetFilter(), out.GetExtraJson())
		}
		_, _, err := asViewShows(context.Background(), "v", nil, nil, func(context.Context, string) (attio.SavedView, error) { return v, nil })
		if tc.typed != (err == nil) || (!tc.typed && connect.CodeOf(err) != connect.CodeFailedPrecondition) {
			t.Errorf("%s: asViewShows error %v", tc.filter, err)
		}
	}
	v := attio.SavedView{Filter: json.RawMessage(`{"attribute":"deal_size","op":"gte","value":1000.50}`)}
	if n := toSavedView(&v).GetFilter().GetCondition().GetNumberValue().GetValue(); n != "1000.50" {
		t.Errorf("number operand %q, want the exact digits", n)
	}
}
