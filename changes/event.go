package changes

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Event is one change Attio reported (or reconciliation found).
type Event struct {
	// ID is the change's stable id: the same for every delivery of it (derived from the
	// connection, the delivery's Idempotency-Key and the event's place in it).
	ID string
	// Type is Attio's event type, e.g. "record.updated", "list-entry.deleted".
	Type string
	// IDs is Attio's id object of the event: workspace_id, object_id, record_id, list_id,
	// entry_id, attribute_id, as the event type has them.
	IDs map[string]string
	// Extra are the event's other string fields (parent_object_id, parent_record_id,
	// duplicate_object_id, duplicate_record_id, ...).
	Extra map[string]string
	// Actor is who made the change.
	Actor Actor
	// Received is when the delivery reached the facade: Attio's events carry no time.
	Received time.Time
	// Reconciled marks a change found by reconciliation rather than reported by a webhook.
	Reconciled bool
	// Record is, on a reconciled created or updated change, the record as the pass read it
	// (attio.v1.Record, protobuf wire form): watchers send it as it is instead of fetching, so
	// what they hold is exactly what the pass compared (see Reconciler).
	Record []byte `json:",omitempty"`
}

// Actor is Attio's actor reference.
type Actor struct {
	Type string // "workspace-member", "api-token", "system", ...
	ID   string // empty when Attio sent null
}

// envelope is Attio's webhook delivery.
type envelope struct {
	WebhookID string            `json:"webhook_id"`
	Events    []json.RawMessage `json:"events"`
}

// errBadDelivery: the body is not Attio's envelope.
var errBadDelivery = errors.New("not an Attio webhook delivery: want {\"webhook_id\": ..., \"events\": [{\"event_type\": ..., \"id\": {...}}, ...]}")

// splitDelivery parses a delivery into its events; key names the delivery (its Idempotency-Key)
// for the events' stable ids.
func splitDelivery(body []byte, conn, key string, received time.Time) ([]Event, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Events == nil {
		return nil, errBadDelivery
	}
	out := make([]Event, 0, len(env.Events))
	for i, raw := range env.Events {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, errBadDelivery
		}
		e := Event{ID: changeID(conn, key, i), IDs: map[string]string{}, Extra: map[string]string{}, Received: received}
		for k, v := range fields {
			switch k {
			case "event_type":
				if json.Unmarshal(v, &e.Type) != nil {
					return nil, errBadDelivery
				}
			case "id":
				var ids map[string]*string
				if json.Unmarshal(v, &ids) != nil {
					return nil, errBadDelivery
				}
				for ik, iv := range ids {
					if iv != nil {
						e.IDs[ik] = *iv
					}
				}
			case "actor":
				var a struct {
					Type string  `json:"type"`
					ID   *string `json:"id"`
				}
				if json.Unmarshal(v, &a) != nil {
					return nil, errBadDelivery
				}
				e.Actor.Type = a.Type
				if a.ID != nil {
					e.Actor.ID = *a.ID
				}
			default:
				var s string
				if json.Unmarshal(v, &s) == nil {
					e.Extra[k] = s
				}
			}
		}
		if e.Type == "" {
			return nil, errBadDelivery
		}
		out = append(out, e)
	}
	return out, nil
}

// changeID is stable for the i-th event of the delivery named key on conn.
func changeID(conn, key string, i int) string {
	h := sha256.New()
	h.Write([]byte(conn))
	h.Write([]byte{0})
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write([]byte(strconv.Itoa(i)))
	return hex.EncodeToString(h.Sum(nil))[:32]
}
