package attio

import (
	"context"
	"encoding/json"
)

// Activities (beta): the data types of events logged against records, from Attio's reference
// pages https://docs.attio.com/rest-api/endpoint-reference/activities/list-activities,
// get-an-activity, create-an-activity, update-an-activity and delete-an-activity, and the guide
// https://docs.attio.com/rest-api/guides/activities. Wherever a path has {activity}, the
// activity's id or its slug will do.

// ActivityID identifies an activity.
type ActivityID struct {
	WorkspaceID string `json:"workspace_id"`
	ActivityID  string `json:"activity_id"`
}

// Activity is a kind of activity record (phone calls, site visits...). Extends is the schema it
// extends as Attio sent it: the create writes one name, and the guide says the answer names "the
// schemas it directly extends", so both a string and an array of strings are read (ExtendsNames).
type Activity struct {
	ID           ActivityID      `json:"id"`
	APISlug      string          `json:"api_slug"`
	SingularNoun string          `json:"singular_noun"`
	PluralNoun   string          `json:"plural_noun"`
	Extends      json.RawMessage `json:"extends"`
	CreatedAt    string          `json:"created_at"`

	Extra Extra `json:"-"`
}

func (v *Activity) UnmarshalJSON(b []byte) error {
	type a Activity
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Activity) MarshalJSON() ([]byte, error) { type a Activity; return marshalExtra(a(v), v.Extra) }

// ExtendsNames is Extends as a list: one name, several, or none when Attio sent neither.
func (v Activity) ExtendsNames() []string {
	var one string
	if json.Unmarshal(v.Extends, &one) == nil && one != "" {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(v.Extends, &many) == nil {
		return many
	}
	return nil
}

// ActivityInput creates an activity. Extends is "activities", "interactions", "calls" or "emails".
type ActivityInput struct {
	APISlug      string `json:"api_slug"`
	SingularNoun string `json:"singular_noun"`
	PluralNoun   string `json:"plural_noun"`
	Extends      string `json:"extends"`
}

// ActivityUpdate changes an activity's slug or nouns; nil fields are left alone. The schema it
// extends cannot change (Attio answers 400).
type ActivityUpdate struct {
	APISlug      *string `json:"api_slug,omitempty"`
	SingularNoun *string `json:"singular_noun,omitempty"`
	PluralNoun   *string `json:"plural_noun,omitempty"`
}

// ListActivities returns every system and custom activity (not paginated upstream).
func (c *Client) ListActivities(ctx context.Context) ([]Activity, error) {
	return getData[[]Activity](c, ctx, call{ep: epListActivities})
}

// GetActivity returns an activity by slug or id.
func (c *Client) GetActivity(ctx context.Context, activity string) (Activity, error) {
	return getData[Activity](c, ctx, call{ep: epGetActivity, params: []string{activity}})
}

// CreateActivity creates a custom activity.
func (c *Client) CreateActivity(ctx context.Context, in ActivityInput) (Activity, error) {
	return getData[Activity](c, ctx, call{ep: epCreateActivity, body: dataBody{in}})
}

// UpdateActivity changes an activity's slug or nouns.
func (c *Client) UpdateActivity(ctx context.Context, activity string, up ActivityUpdate) (Activity, error) {
	return getData[Activity](c, ctx, call{ep: epUpdateActivity, params: []string{activity}, body: dataBody{up}})
}

// DeleteActivity deletes an activity and all of its records.
func (c *Client) DeleteActivity(ctx context.Context, activity string) error {
	return c.do(ctx, call{ep: epDeleteActivity, params: []string{activity}})
}
