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

// webhookFilterRead is Attio's filter as read back: {"$and": [...]} or {"$or": [...]}, where a
// condition's value may be any JSON.
type webhookFilterRead struct {
	And []webhookConditionRead `json:"$and,omitempty"`
	Or  []webhookConditionRead `json:"$or,omitempty"`
}

type webhookConditionRead struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

// WebhookFilterOf reads the filter of a subscription Attio answered with; null (every event) and a
// shape it cannot read are nil. A value that is not a string keeps its JSON text, so it is still
// visible to the caller; an operator the contract does not know is UNSPECIFIED.
func WebhookFilterOf(raw json.RawMessage) *attiov1.WebhookFilter {
	var f webhookFilterRead
	if json.Unmarshal(raw, &f) != nil {
		return nil
	}
	conds := func(in []webhookConditionRead) *attiov1.WebhookConditions {
		out := &attiov1.WebhookConditions{Conditions: make([]*attiov1.WebhookCondition, 0, len(in))}
		for _, c := range in {
			var v string
			if json.Unmarshal(c.Value, &v) != nil {
				v = string(c.Value)
			}
			out.Conditions = append(out.Conditions, &attiov1.WebhookCondition{Field: c.Field, Op: webhookOperatorOf(c.Operator), Value: v})
		}
		return out
	}
	switch {
	case f.And != nil:
		return &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_All{All: conds(f.And)}}
	case f.Or != nil:
		return &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_Any{Any: conds(f.Or)}}
	}
	return nil
}

func webhookOperatorOf(s string) attiov1.WebhookOperator {
	for op, name := range webhookOperators {
		if name == s {
			return op
		}
	}
	return attiov1.WebhookOperator_WEBHOOK_OPERATOR_UNSPECIFIED
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
