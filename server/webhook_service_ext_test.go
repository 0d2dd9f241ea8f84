package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestWebhookService(t *testing.T) {
	eachClient(t, attiov1connect.NewWebhookServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.WebhookServiceClient, h *harness, p protocol) {
		all, err := c.ListWebhooks(ctx, &attiov1.ListWebhooksRequest{})
		wantListed(t, all, err, idsOf(all.GetWebhooks(), webhookID), []string{seedWebhookRecords, seedWebhookTasks})
		rec := all.GetWebhooks()[0]
		wantSeed := &attiov1.Webhook{
			Id:        &attiov1.WebhookId{WorkspaceId: sandbox.DefaultWorkspaceID, WebhookId: seedWebhookRecords},
			TargetUrl: "https://hooks.example.com/attio",
			Subscriptions: []*attiov1.Subscription{
				{EventType: "record.created"},
				{EventType: "note.created", Filter: &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_All{All: &attiov1.WebhookConditions{Conditions: []*attiov1.WebhookCondition{
					{Field: "parent_object_id", Op: attiov1.WebhookOperator_WEBHOOK_OPERATOR_EQUALS, Value: "companies"}}}}}},
			},
			Status:    attiov1.WebhookStatus_WEBHOOK_STATUS_ACTIVE,
			CreatedAt: mustTime(t, "2025-04-01T00:00:00Z"),
		}
		wantProto(t, "seed webhook", rec, wantSeed)
		if all.GetWebhooks()[1].GetStatus() != attiov1.WebhookStatus_WEBHOOK_STATUS_DEGRADED {
			t.Fatalf("tasks webhook = %v", all.GetWebhooks()[1])
		}
		got, err := c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: seedWebhookRecords})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetWebhook", got.GetWebhook(), wantSeed)
		_, err = c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		orFilter := &attiov1.WebhookFilter{Filter: &attiov1.WebhookFilter_Any{Any: &attiov1.WebhookConditions{Conditions: []*attiov1.WebhookCondition{
			{Field: "list_id", Op: attiov1.WebhookOperator_WEBHOOK_OPERATOR_NOT_EQUALS, Value: seedSalesPipelineID},
			{Field: "list_id", Op: attiov1.WebhookOperator_WEBHOOK_OPERATOR_EQUALS, Value: seedRecruitingID},
		}}}}
		created, err := c.CreateWebhook(ctx, &attiov1.CreateWebhookRequest{
			TargetUrl:     "https://hooks.example.com/entries",
			Subscriptions: []*attiov1.Subscription{{EventType: "list-entry.created", Filter: orFilter}, {EventType: "list-entry.deleted"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		w := created.GetWebhook()
		if created.GetSecret() == "" || w.GetTargetUrl() != "https://hooks.example.com/entries" || w.GetStatus() != attiov1.WebhookStatus_WEBHOOK_STATUS_ACTIVE ||
			len(w.GetSubscriptions()) != 2 || !proto.Equal(w.GetSubscriptions()[0].GetFilter(), orFilter) || w.GetSubscriptions()[1].GetFilter() != nil {
			t.Fatalf("CreateWebhook = %v (secret %q)", w, created.GetSecret())
		}
		back, err := c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: w.GetId().GetWebhookId()})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "read back", back.GetWebhook(), w)

		// Target only: subscriptions stay; subscriptions given: replaced.
		up, err := c.UpdateWebhook(ctx, &attiov1.UpdateWebhookRequest{WebhookId: w.GetId().GetWebhookId(), TargetUrl: "https://hooks.example.com/v2", UpdateMask: mask("target_url")})
		if err != nil {
			t.Fatal(err)
		}
		if up.GetWebhook().GetTargetUrl() != "https://hooks.example.com/v2" || len(up.GetWebhook().GetSubscriptions()) != 2 {
			t.Fatalf("UpdateWebhook = %v", up.GetWebhook())
		}
		up, err = c.UpdateWebhook(ctx, &attiov1.UpdateWebhookRequest{WebhookId: w.GetId().GetWebhookId(), Subscriptions: []*attiov1.Subscription{{EventType: "task.deleted"}}, UpdateMask: mask("subscriptions")})
		if err != nil {
			t.Fatal(err)
		}
		back, err = c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: w.GetId().GetWebhookId()})
		if err != nil {
			t.Fatal(err)
		}
		if s := back.GetWebhook().GetSubscriptions(); !proto.Equal(back.GetWebhook(), up.GetWebhook()) || len(s) != 1 || s[0].GetEventType() != "task.deleted" ||
			back.GetWebhook().GetTargetUrl() != "https://hooks.example.com/v2" {
			t.Fatalf("read back %v", back.GetWebhook())
		}

		if _, err := c.DeleteWebhook(ctx, &attiov1.DeleteWebhookRequest{WebhookId: w.GetId().GetWebhookId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: w.GetId().GetWebhookId()})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.DeleteWebhook(ctx, &attiov1.DeleteWebhookRequest{WebhookId: w.GetId().GetWebhookId()})
		wantCode(t, err, connect.CodeNotFound)

		// Twelve webhooks: two pages of ten (Attio's smallest page).
		want := []string{seedWebhookRecords, seedWebhookTasks}
		for i := range 10 {
			res, err := c.CreateWebhook(ctx, &attiov1.CreateWebhookRequest{
				TargetUrl: fmt.Sprintf("https://hooks.example.com/%d", i), Subscriptions: []*attiov1.Subscription{{EventType: "record.updated"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, res.GetWebhook().GetId().GetWebhookId())
		}
		page1, err := c.ListWebhooks(ctx, &attiov1.ListWebhooksRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page1.GetWebhooks()) != 10 || page1.GetNextPageToken() == "" {
			t.Fatalf("first page: %d webhooks, next %q", len(page1.GetWebhooks()), page1.GetNextPageToken())
		}
		page2, err := c.ListWebhooks(ctx, &attiov1.ListWebhooksRequest{PageToken: page1.GetNextPageToken()})
		if err != nil {
			t.Fatal(err)
		}
		if walked := idsOf(append(page1.GetWebhooks(), page2.GetWebhooks()...), webhookID); !slices.Equal(walked, want) || page2.GetNextPageToken() != "" {
			t.Fatalf("paged = %v (next %q), want %v", walked, page2.GetNextPageToken(), want)
		}
		// The only query is the connection: a token is refused on another one.
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListWebhooks(onConnection(ctx, sandbox.SecondConnectionID), &attiov1.ListWebhooksRequest{PageToken: page1.GetNextPageToken()})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListWebhooks(ctx, &attiov1.ListWebhooksRequest{PageSize: 5})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateWebhook(ctx, &attiov1.CreateWebhookRequest{TargetUrl: "http://insecure.example.com", Subscriptions: []*attiov1.Subscription{{EventType: "record.created"}}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateWebhook(ctx, &attiov1.CreateWebhookRequest{TargetUrl: "https://hooks.example.com/x"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: "w1"})
			return err
		})
	})
}
