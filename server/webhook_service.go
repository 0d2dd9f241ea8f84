package server

import (
	"context"
	"fmt"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// WebhookService serves attio.v1.WebhookService.
type WebhookService struct {
	client *attio.Client
}

var _ attiov1connect.WebhookServiceHandler = (*WebhookService)(nil)

// Attio pages webhooks 10 to 100 at a time.
const (
	defaultWebhookPage = 10
	minWebhookPage     = 10
)

var webhookStatuses = wireNames[attiov1.WebhookStatus](snakeCase)

// ListWebhooks returns one page of webhooks.
func (s *WebhookService) ListWebhooks(ctx context.Context, req *attiov1.ListWebhooksRequest) (*attiov1.ListWebhooksResponse, error) {
	if n := req.GetPageSize(); n != 0 && n < minWebhookPage {
		return nil, invalidArgument(fmt.Sprintf("page_size must be 0 (for %d) or between %d and 100", defaultWebhookPage, minWebhookPage))
	}
	p := newPager(ctx, attiov1connect.WebhookServiceListWebhooksProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.ListWebhooksPage(ctx, attio.PageQuery{Limit: pageSize(req.GetPageSize(), defaultWebhookPage), Offset: int(pos.Offset)})
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.ListWebhooksResponse{Webhooks: make([]*attiov1.Webhook, 0, len(page.Items)), NextPageToken: nextPageToken(p, page)}
	for i := range page.Items {
		out.Webhooks = append(out.Webhooks, toWebhook(&page.Items[i]))
	}
	return out, nil
}

// GetWebhook returns one webhook.
func (s *WebhookService) GetWebhook(ctx context.Context, req *attiov1.GetWebhookRequest) (*attiov1.GetWebhookResponse, error) {
	w, err := s.client.GetWebhook(ctx, req.GetWebhookId())
	return reply(err, func() *attiov1.GetWebhookResponse { return &attiov1.GetWebhookResponse{Webhook: toWebhook(&w)} })
}

// CreateWebhook creates a webhook and hands back its signing secret, which Attio shows only here.
func (s *WebhookService) CreateWebhook(ctx context.Context, req *attiov1.CreateWebhookRequest) (*attiov1.CreateWebhookResponse, error) {
	w, err := s.client.CreateWebhook(ctx, attio.WebhookInput{TargetURL: req.GetTargetUrl(), Subscriptions: fromSubscriptions(req.GetSubscriptions())})
	return reply(err, func() *attiov1.CreateWebhookResponse {
		return &attiov1.CreateWebhookResponse{Webhook: toWebhook(&w), Secret: w.Secret}
	})
}

// UpdateWebhook changes the fields update_mask names (AIP-134); named subscriptions replace the
// current ones even when empty.
func (s *WebhookService) UpdateWebhook(ctx context.Context, req *attiov1.UpdateWebhookRequest) (*attiov1.UpdateWebhookResponse, error) {
	set, err := maskedFields(req.GetUpdateMask(), "target_url", "subscriptions")
	if err != nil {
		return nil, err
	}
	var up attio.WebhookUpdate
	if set["target_url"] {
		up.TargetURL = &req.TargetUrl
	}
	if set["subscriptions"] {
		subs := fromSubscriptions(req.GetSubscriptions())
		up.Subscriptions = &subs
	}
	w, err := s.client.UpdateWebhook(ctx, req.GetWebhookId(), up)
	return reply(err, func() *attiov1.UpdateWebhookResponse { return &attiov1.UpdateWebhookResponse{Webhook: toWebhook(&w)} })
}

// DeleteWebhook deletes a webhook.
func (s *WebhookService) DeleteWebhook(ctx context.Context, req *attiov1.DeleteWebhookRequest) (*attiov1.DeleteWebhookResponse, error) {
	if err := s.client.DeleteWebhook(ctx, req.GetWebhookId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteWebhookResponse{}, nil
}

func fromSubscriptions(in []*attiov1.Subscription) []attio.WebhookSubscriptionInput {
	out := make([]attio.WebhookSubscriptionInput, 0, len(in))
	for _, s := range in {
		out = append(out, attio.WebhookSubscriptionInput{EventType: s.GetEventType(), Filter: s.GetFilter()})
	}
	return out
}

func toWebhook(w *attio.Webhook) *attiov1.Webhook {
	x := extrasOf(w.Extra)
	out := &attiov1.Webhook{
		Id:            &attiov1.WebhookId{WorkspaceId: w.ID.WorkspaceID, WebhookId: w.ID.WebhookID},
		TargetUrl:     w.TargetURL,
		Subscriptions: make([]*attiov1.Subscription, 0, len(w.Subscriptions)),
		Status:        enumOf(webhookStatuses, w.Status),
		CreatedAt:     x.time("created_at", w.CreatedAt),
	}
	for _, s := range w.Subscriptions {
		out.Subscriptions = append(out.Subscriptions, &attiov1.Subscription{EventType: s.EventType, Filter: attio.WebhookFilterOf(s.Filter)})
	}
	out.ExtraJson = x.json()
	return out
}
