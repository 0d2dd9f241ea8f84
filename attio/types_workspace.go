package attio

import "encoding/json"

// WorkspaceMemberID identifies a workspace member.
type WorkspaceMemberID struct {
	WorkspaceID       string `json:"workspace_id"`
	WorkspaceMemberID string `json:"workspace_member_id"`
}

// WorkspaceMember is a user of the workspace.
type WorkspaceMember struct {
	ID           WorkspaceMemberID `json:"id"`
	FirstName    string            `json:"first_name"`
	LastName     string            `json:"last_name"`
	AvatarURL    *string           `json:"avatar_url"`
	EmailAddress string            `json:"email_address"`
	CreatedAt    string            `json:"created_at"`
	AccessLevel  string            `json:"access_level"`

	Extra Extra `json:"-"`
}

func (v *WorkspaceMember) UnmarshalJSON(b []byte) error {
	type a WorkspaceMember
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WorkspaceMember) MarshalJSON() ([]byte, error) {
	type a WorkspaceMember
	return marshalExtra(a(v), v.Extra)
}

// Self describes the token in use (GET /v2/self, not wrapped in "data").
// An inactive token yields only Active=false.
type Self struct {
	Active                        bool         `json:"active"`
	Scope                         string       `json:"scope"`
	ClientID                      string       `json:"client_id"`
	TokenType                     string       `json:"token_type"`
	Exp                           *json.Number `json:"exp"`
	Iat                           json.Number  `json:"iat"`
	Sub                           string       `json:"sub"`
	Aud                           string       `json:"aud"`
	Iss                           string       `json:"iss"`
	AuthorizedByWorkspaceMemberID string       `json:"authorized_by_workspace_member_id"`
	WorkspaceID                   string       `json:"workspace_id"`
	WorkspaceName                 string       `json:"workspace_name"`
	WorkspaceSlug                 string       `json:"workspace_slug"`
	WorkspaceLogoURL              *string      `json:"workspace_logo_url"`

	Extra Extra `json:"-"`
}

func (v *Self) UnmarshalJSON(b []byte) error {
	type a Self
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Self) MarshalJSON() ([]byte, error) { type a Self; return marshalExtra(a(v), v.Extra) }

// WebhookID identifies a webhook.
type WebhookID struct {
	WorkspaceID string `json:"workspace_id"`
	WebhookID   string `json:"webhook_id"`
}

// WebhookSubscription subscribes to one event type; Filter is null or a
// {"$and"|"$or": [{field, operator, value}]} object, kept verbatim.
type WebhookSubscription struct {
	EventType string          `json:"event_type"`
	Filter    json.RawMessage `json:"filter"`

	Extra Extra `json:"-"`
}

func (v *WebhookSubscription) UnmarshalJSON(b []byte) error {
	type a WebhookSubscription
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WebhookSubscription) MarshalJSON() ([]byte, error) {
	type a WebhookSubscription
	if v.Filter == nil {
		v.Filter = json.RawMessage("null")
	}
	return marshalExtra(a(v), v.Extra)
}

// Webhook is a webhook registration. Secret is only returned on creation.
type Webhook struct {
	TargetURL     string                `json:"target_url"`
	Subscriptions []WebhookSubscription `json:"subscriptions"`
	ID            WebhookID             `json:"id"`
	Status        string                `json:"status"`
	CreatedAt     string                `json:"created_at"`
	Secret        string                `json:"secret,omitempty"`

	Extra Extra `json:"-"`
}

func (v *Webhook) UnmarshalJSON(b []byte) error {
	type a Webhook
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Webhook) MarshalJSON() ([]byte, error) { type a Webhook; return marshalExtra(a(v), v.Extra) }

// Connection is a Maton OAuth connection (one Attio workspace).
type Connection struct {
	ConnectionID    string          `json:"connection_id"`
	Status          string          `json:"status"`
	CreationTime    string          `json:"creation_time"`
	LastUpdatedTime string          `json:"last_updated_time"`
	URL             string          `json:"url"`
	App             string          `json:"app"`
	Metadata        json.RawMessage `json:"metadata"`

	Extra Extra `json:"-"`
}

func (v *Connection) UnmarshalJSON(b []byte) error {
	type a Connection
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v Connection) MarshalJSON() ([]byte, error) {
	type a Connection
	return marshalExtra(a(v), v.Extra)
}

// WebhookEvent is one event of a webhook delivery (an envelope Attio POSTs
// to the target URL). Provided so receivers can decode deliveries losslessly.
type WebhookEvent struct {
	EventType string          `json:"event_type"`
	ID        json.RawMessage `json:"id"`
	Actor     Actor           `json:"actor"`

	Extra Extra `json:"-"`
}

func (v *WebhookEvent) UnmarshalJSON(b []byte) error {
	type a WebhookEvent
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WebhookEvent) MarshalJSON() ([]byte, error) {
	type a WebhookEvent
	return marshalExtra(a(v), v.Extra)
}

// WebhookDelivery is the body Attio POSTs to a webhook's target URL.
type WebhookDelivery struct {
	WebhookID string         `json:"webhook_id"`
	Events    []WebhookEvent `json:"events"`

	Extra Extra `json:"-"`
}

func (v *WebhookDelivery) UnmarshalJSON(b []byte) error {
	type a WebhookDelivery
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v WebhookDelivery) MarshalJSON() ([]byte, error) {
	type a WebhookDelivery
	return marshalExtra(a(v), v.Extra)
}
