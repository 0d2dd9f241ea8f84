package attio

import (
	"context"
	"iter"
	"net/url"
)

// ---- workspace members and self

// ListWorkspaceMembers returns all workspace members (not paginated upstream).
func (c *Client) ListWorkspaceMembers(ctx context.Context) ([]WorkspaceMember, error) {
	return getData[[]WorkspaceMember](c, ctx, call{ep: epListWorkspaceMembers})
}

// GetWorkspaceMember returns one workspace member.
func (c *Client) GetWorkspaceMember(ctx context.Context, workspaceMemberID string) (WorkspaceMember, error) {
	return getData[WorkspaceMember](c, ctx, call{ep: epGetWorkspaceMember, params: []string{workspaceMemberID}})
}

// Self describes the current token and workspace. Unlike every other
// endpoint, the answer is not wrapped in "data".
func (c *Client) Self(ctx context.Context) (Self, error) {
	var s Self
	err := c.do(ctx, call{ep: epSelf, decode: decodeInto(&s)})
	return s, err
}

// ---- webhooks

// WebhookInput creates a webhook.
type WebhookInput struct {
	TargetURL     string                     `json:"target_url"`
	Subscriptions []WebhookSubscriptionInput `json:"subscriptions"`
}

// WebhookUpdate changes a webhook; nil fields are left alone.
type WebhookUpdate struct {
	TargetURL     *string                     `json:"target_url,omitempty"`
	Subscriptions *[]WebhookSubscriptionInput `json:"subscriptions,omitempty"`
}

// ListWebhooksPage fetches one page of webhooks. Limit 0 = 100 (Attio's maximum).
func (c *Client) ListWebhooksPage(ctx context.Context, q PageQuery) (Page[Webhook], error) {
	return offsetGET[Webhook](c, ctx, epListWebhooks, nil, nil, withLimit(q.Limit, 100), q.Offset)
}

// ListWebhooks iterates over all webhooks.
func (c *Client) ListWebhooks(ctx context.Context, q PageQuery) iter.Seq2[Webhook, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[Webhook], error) {
		q.Offset = at.offset
		return c.ListWebhooksPage(ctx, q)
	})
}

// GetWebhook returns one webhook.
func (c *Client) GetWebhook(ctx context.Context, webhookID string) (Webhook, error) {
	return getData[Webhook](c, ctx, call{ep: epGetWebhook, params: []string{webhookID}})
}

// CreateWebhook registers a webhook; the answer carries its signing Secret.
func (c *Client) CreateWebhook(ctx context.Context, in WebhookInput) (Webhook, error) {
	if in.Subscriptions == nil {
		in.Subscriptions = []WebhookSubscriptionInput{}
	}
	return getData[Webhook](c, ctx, call{ep: epCreateWebhook, body: dataBody{in}})
}

// UpdateWebhook changes a webhook.
func (c *Client) UpdateWebhook(ctx context.Context, webhookID string, up WebhookUpdate) (Webhook, error) {
	return getData[Webhook](c, ctx, call{ep: epUpdateWebhook, params: []string{webhookID}, body: dataBody{up}})
}

// DeleteWebhook deletes a webhook.
func (c *Client) DeleteWebhook(ctx context.Context, webhookID string) error {
	return c.do(ctx, call{ep: epDeleteWebhook, params: []string{webhookID}})
}

// ---- Maton connections (control plane)

// ConnectionQuery filters connections. App "" means "attio"; Status ""
// means any ("ACTIVE", "PENDING", "FAILED").
type ConnectionQuery struct {
	App    string
	Status string
}

// ListConnections lists the account's Maton connections.
func (c *Client) ListConnections(ctx context.Context, q ConnectionQuery) ([]Connection, error) {
	app := q.App
	if app == "" {
		app = "attio"
	}
	v := url.Values{"app": {app}}
	setIf(v, "status", q.Status)
	var env struct {
		Connections []Connection `json:"connections"`
	}
	err := c.do(ctx, call{ep: epListConnections, query: v, decode: decodeInto(&env)})
	return env.Connections, err
}

// GetConnection returns one Maton connection.
func (c *Client) GetConnection(ctx context.Context, connectionID string) (Connection, error) {
	var env struct {
		Connection Connection `json:"connection"`
	}
	err := c.do(ctx, call{ep: epGetConnection, params: []string{connectionID}, decode: decodeInto(&env)})
	return env.Connection, err
}

// CreateConnection starts a new Attio connection; the user finishes the
// OAuth flow at the returned Connection.URL (status PENDING until then).
func (c *Client) CreateConnection(ctx context.Context) (Connection, error) {
	var env struct {
		Connection Connection `json:"connection"`
	}
	err := c.do(ctx, call{ep: epCreateConnection, body: map[string]string{"app": "attio"}, decode: decodeInto(&env)})
	return env.Connection, err
}

// DeleteConnection deletes a Maton connection.
func (c *Client) DeleteConnection(ctx context.Context, connectionID string) error {
	return c.do(ctx, call{ep: epDeleteConnection, params: []string{connectionID}})
}
