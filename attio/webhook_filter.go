package attio

import (
	"encoding/json"
	"fmt"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// WebhookSubscriptionInput is one event type a created or updated webhook receives, with the
// contract's typed filter; it is encoded into Attio's JSON here and nowhere else.
type WebhookSubscriptionInput struct {
	EventType string
	// Filter decides which events are delivered; nil delivers every event (Attio's null).
	Filter *attiov1.WebhookFilter
}

// webhookOperators is the one table of Attio's webhook filter operators.
var webhookOperators = map[attiov1.WebhookOperator]string{
	attiov1.WebhookOperator_WEBHOOK_OPERATOR_EQUALS:     "equals",
	attiov1.WebhookOperator_WEBHOOK_OPERATOR_NOT_EQUALS: "not_equals",
}

type webhookConditionJSON struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// MarshalJSON writes {"event_type": ..., "filter": null | {"$and"|"$or": [{field, operator, value}]}}.
func (s WebhookSubscriptionInput) MarshalJSON() ([]byte, error) {
	filter, err := encodeWebhookFilter(s.Filter)
	if err != nil {
		return nil, fmt.Errorf("subscription %q: %w", s.EventType, err)
	}
	return json.Marshal(struct {
		EventType string          `json:"event_type"`
		Filter    json.RawMessage `json:"filter"`
	}{s.EventType, filter})
}

func encodeWebhookFilter(f *attiov1.WebhookFilter) (json.RawMessage, error) {
	var op string
	var conds *attiov1.WebhookConditions
	switch n := f.GetFilter().(type) {
	case nil:
		return json.RawMessage("null"), nil
	case *attiov1.WebhookFilter_All:
		op, conds = "$and", n.All
	case *attiov1.WebhookFilter_Any:
		op, conds = "$or", n.Any
	}
	out := make([]webhookConditionJSON, 0, len(conds.GetConditions()))
	for _, c := range conds.GetConditions() {
		name, ok := webhookOperators[c.GetOp()]
		if !ok {
			return nil, fmt.Errorf("condition on %q: operator is unspecified", c.GetField())
		}
		out = append(out, webhookConditionJSON{Field: c.GetField(), Operator: name, Value: c.GetValue()})
	}
	return json.Marshal(map[string][]webhookConditionJSON{op: out})
}
