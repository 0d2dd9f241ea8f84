package attio_test

import (
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

func TestWebhookFilterMapping(t *testing.T) {
	t.Parallel()
	cond := func(field string, op attiov1.WebhookOperator, v string) *attiov1.WebhookCondition {
		return &attiov1.WebhookCondition{Field: field, Op: op, Value: v}
	}
	and := &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_All{All: &attiov1.WebhookConditions{Conditions: []*attiov1.WebhookCondition{
		cond("parent_object_id", attiov1.WebhookOperator_WEBHOOK_OPERATOR_EQUALS, "companies"),
		cond("actor.type", attiov1.WebhookOperator_WEBHOOK_OPERATOR_NOT_EQUALS, "system"),
	}}}}
	or := &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_Any{Any: &attiov1.WebhookConditions{Conditions: []*attiov1.WebhookCondition{
		cond("list_id", attiov1.WebhookOperator_WEBHOOK_OPERATOR_EQUALS, `quote " and \ slash`),
	}}}}
	for _, tc := range []struct {
		name string
		in   *attiov1.WebhookFilter
		wire string
	}{
		{"unset", nil, `null`},
		{"and", and, `{"$and":[{"field":"parent_object_id","operator":"equals","value":"companies"},{"field":"actor.type","operator":"not_equals","value":"system"}]}`},
		{"or", or, `{"$or":[{"field":"list_id","operator":"equals","value":"quote \" and \\ slash"}]}`},
	} {
		// Encoded and read back here, with one table of operators.
		sub, err := json.Marshal(attio.WebhookSubscriptionInput{EventType: "note.created", Filter: tc.in})
		if want := `{"event_type":"note.created","filter":` + tc.wire + `}`; err != nil || string(sub) != want {
			t.Errorf("%s: wire %s (%v), want %s", tc.name, sub, err, want)
		}
		if back := attio.WebhookFilterOf(json.RawMessage(tc.wire)); !proto.Equal(back, tc.in) {
			t.Errorf("%s: round trip %v, want %v", tc.name, back, tc.in)
		}
	}
	// What Attio might send beyond the spec still shows up rather than vanishing.
	odd := attio.WebhookFilterOf(json.RawMessage(`{"$and":[{"field":"n","operator":"greater_than","value":3}]}`))
	want := &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_All{All: &attiov1.WebhookConditions{Conditions: []*attiov1.WebhookCondition{
		cond("n", attiov1.WebhookOperator_WEBHOOK_OPERATOR_UNSPECIFIED, "3")}}}}
	if !proto.Equal(odd, want) {
		t.Errorf("odd filter = %v", odd)
	}
	if got := attio.WebhookFilterOf(json.RawMessage(`{"$and":[]}`)); got.GetAll() == nil || len(got.GetAll().GetConditions()) != 0 {
		t.Errorf("empty $and = %v", got)
	}
}
