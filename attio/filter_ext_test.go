package attio_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

func mustFilter(f attio.Filter, err error) attio.Filter {
	if err != nil {
		panic(err)
	}
	return f
}

func cond(attr, field string, op attiov1.FilterOperator, operand any) *attiov1.Filter {
	c := &attiov1.Condition{Attribute: attr, Field: field, Op: op}
	switch v := operand.(type) {
	case string:
		c.Operand = &attiov1.Condition_StringValue{StringValue: v}
	case *attiov1.Decimal:
		c.Operand = &attiov1.Condition_NumberValue{NumberValue: v}
	case bool:
		c.Operand = &attiov1.Condition_BoolValue{BoolValue: v}
	case []string:
		c.Operand = &attiov1.Condition_StringList{StringList: &attiov1.StringList{Values: v}}
	}
	return &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: c}}
}

// TestFilterOf: the contract's filter tree is encoded into Attio's verbose syntax by attio alone,
// one case per node and operand type; trees Attio cannot express are errors.
func TestFilterOf(t *testing.T) {
	t.Parallel()
	eq, in, gt := attiov1.FilterOperator_FILTER_OPERATOR_EQ, attiov1.FilterOperator_FILTER_OPERATOR_IN, attiov1.FilterOperator_FILTER_OPERATOR_GT
	for _, tc := range []struct {
		name string
		in   *attiov1.Filter
		want string // "" = error
	}{
		{"nil", nil, `null`},
		{"string", cond("name", "", eq, `Acme "Co"`), `{"name":{"$eq":"Acme \"Co\""}}`},
		{"field", cond("email_addresses", "email_domain", eq, "acme.com"), `{"email_addresses":{"email_domain":{"$eq":"acme.com"}}}`},
		{"exact number", cond("arr", "", gt, &attiov1.Decimal{Value: "12345678901234567.8901"}), `{"arr":{"$gt":12345678901234567.8901}}`},
		{"bool", cond("vip", "", eq, true), `{"vip":{"$eq":true}}`},
		{"in", cond("record_id", "", in, []string{"a", "b"}), `{"record_id":{"$in":["a","b"]}}`},
		{"not empty", cond("name", "", attiov1.FilterOperator_FILTER_OPERATOR_NOT_EMPTY, nil), `{"name":{"$not_empty":true}}`},
		{"all, any, negate", &attiov1.Filter{Node: &attiov1.Filter_All{All: &attiov1.FilterList{Filters: []*attiov1.Filter{
			cond("a", "", eq, "1"),
			{Node: &attiov1.Filter_Any{Any: &attiov1.FilterList{Filters: []*attiov1.Filter{cond("b", "", eq, "2")}}}},
			{Node: &attiov1.Filter_Negate{Negate: cond("c", "", eq, "3")}},
		}}}}, `{"$and":[{"a":{"$eq":"1"}},{"$or":[{"b":{"$eq":"2"}}]},{"$not":{"c":{"$eq":"3"}}}]}`},
		{"path", &attiov1.Filter{Node: &attiov1.Filter_Path{Path: &attiov1.PathFilter{
			Path:        []*attiov1.PathStep{{Object: "people", Attribute: "company"}, {Object: "companies", Attribute: "team"}},
			Constraints: cond("email_domain", "", eq, "acme.com"),
		}}}, `{"path":[["people","company"],["companies","team"]],"constraints":{"email_domain":{"$eq":"acme.com"}}}`},
		{"raw", &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: `{"n": {"$lt": 1.50}}`}}, `{"n":{"$lt":1.50}}`},
		{"raw array", &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: `[1]`}}, ""},
		{"empty node", &attiov1.Filter{}, ""},
		{"no operator", cond("name", "", 0, "x"), ""},
		{"no operand", cond("name", "", eq, nil), ""},
		{"in without a list", cond("name", "", in, "x"), ""},
		{"empty negate", &attiov1.Filter{Node: &attiov1.Filter_Negate{}}, ""},
		{"deep error", &attiov1.Filter{Node: &attiov1.Filter_All{All: &attiov1.FilterList{Filters: []*attiov1.Filter{{}}}}}, ""},
	} {
		f, err := attio.FilterOf(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: accepted as %v", tc.name, f)
			}
			continue
		}
		got, merr := json.Marshal(f)
		if err != nil || merr != nil || string(got) != tc.want {
			t.Errorf("%s: %s (%v, %v), want %s", tc.name, got, err, merr, tc.want)
		}
	}
}

// TestFilterAllOf: AllOf leaves out zero filters and does not wrap a single one; a Query leaves a
// zero filter out of the body.
func TestFilterAllOf(t *testing.T) {
	t.Parallel()
	lo := mustFilter(attio.CompareTime("created_at", attiov1.FilterOperator_FILTER_OPERATOR_GTE, time.Unix(1, 5)))
	user := mustFilter(attio.FilterOf(cond("name", "", attiov1.FilterOperator_FILTER_OPERATOR_EQ, "x")))
	for _, tc := range []struct {
		in   []attio.Filter
		want string
	}{
		{nil, `{}`},
		{[]attio.Filter{{}}, `{}`},
		{[]attio.Filter{{}, lo}, `{"filter":{"created_at":{"$gte":"1970-01-01T00:00:01.000000005Z"}}}`},
		{[]attio.Filter{user, lo}, `{"filter":{"$and":[{"name":{"$eq":"x"}},{"created_at":{"$gte":"1970-01-01T00:00:01.000000005Z"}}]}}`},
	} {
		got, err := json.Marshal(attio.Query{Filter: attio.AllOf(tc.in...)})
		if err != nil || string(got) != tc.want {
			t.Errorf("AllOf(%d filters): %s (%v), want %s", len(tc.in), got, err, tc.want)
		}
	}
	if _, err := attio.CompareTime("created_at", 0, time.Unix(0, 0)); err == nil {
		t.Error("CompareTime without an operator was accepted")
	}
}

// TestWebhookSubscriptionInput: a webhook filter is encoded by attio; an unset filter is null and
// a condition without an operator is refused.
func TestWebhookSubscriptionInput(t *testing.T) {
	t.Parallel()
	got, err := json.Marshal(attio.WebhookSubscriptionInput{EventType: "task.created"})
	if err != nil || string(got) != `{"event_type":"task.created","filter":null}` {
		t.Errorf("unset filter: %s, %v", got, err)
	}
	bad := &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_Any{Any: &attiov1.WebhookConditions{
		Conditions: []*attiov1.WebhookCondition{{Field: "list_id", Value: "x"}}}}}
	if got, err := json.Marshal(attio.WebhookSubscriptionInput{EventType: "task.created", Filter: bad}); err == nil {
		t.Errorf("no operator: accepted as %s", got)
	}
}
