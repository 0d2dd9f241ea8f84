package server_test

import (
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

// TestUpdateWebhookMask: UpdateWebhook writes exactly the fields update_mask names (AIP-134),
// "*" writes both, and a bad mask is InvalidArgument that names the allowed paths, before any
// upstream call.
func TestUpdateWebhookMask(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := attiov1connect.NewWebhookServiceClient(h.rpc(protocols[0]))
	ctx := t.Context()
	before, err := c.GetWebhook(ctx, &attiov1.GetWebhookRequest{WebhookId: seedWebhookTasks})
	if err != nil {
		t.Fatal(err)
	}
	subs := before.GetWebhook().GetSubscriptions()
	if len(subs) == 0 {
		t.Fatal("the seed webhook needs subscriptions")
	}
	// Only target_url: the (empty) subscriptions field is not in the mask and is left alone.
	up, err := c.UpdateWebhook(ctx, &attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks,
		TargetUrl: "https://example.com/hook-2", UpdateMask: mask("target_url")})
	if err != nil {
		t.Fatal(err)
	}
	if w := up.GetWebhook(); w.GetTargetUrl() != "https://example.com/hook-2" || len(w.GetSubscriptions()) != len(subs) {
		t.Fatalf("target_url only: %v", w)
	}
	// "*": both fields, the empty subscriptions included.
	up, err = c.UpdateWebhook(ctx, &attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks,
		TargetUrl: "https://example.com/hook-3", UpdateMask: mask("*")})
	if err != nil {
		t.Fatal(err)
	}
	if w := up.GetWebhook(); w.GetTargetUrl() != "https://example.com/hook-3" || len(w.GetSubscriptions()) != 0 {
		t.Fatalf("*: %v", w)
	}
	for name, tc := range map[string]struct {
		req  *attiov1.UpdateWebhookRequest
		want string
	}{
		"no mask":          {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, TargetUrl: "https://example.com/x"}, "update_mask"},
		"unknown path":     {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, UpdateMask: mask("status")}, `unknown path "status"; paths are target_url, subscriptions`},
		"camel-case path":  {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, UpdateMask: mask("targetUrl")}, `unknown path "targetUrl"`},
		"masked empty url": {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, UpdateMask: mask("target_url")}, "https URL"},
		"masked http url":  {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, TargetUrl: "http://example.com", UpdateMask: mask("*")}, "https URL"},
		"star with a path": {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, TargetUrl: "https://example.com/y", UpdateMask: mask("*", "target_url")}, `"*" cannot be combined`},
		"empty mask":       {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, UpdateMask: mask()}, "name at least one field"},
		"repeated path":    {&attiov1.UpdateWebhookRequest{WebhookId: seedWebhookTasks, UpdateMask: mask("subscriptions", "subscriptions")}, "repeated"},
	} {
		t.Run(name, func(t *testing.T) {
			wantLocalInvalid(t, h, func() error {
				_, err := c.UpdateWebhook(ctx, tc.req)
				if err != nil && !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %q does not say %q", err, tc.want)
				}
				return err
			})
		})
	}
	_, err = c.UpdateWebhook(ctx, &attiov1.UpdateWebhookRequest{WebhookId: unknownID, UpdateMask: mask("subscriptions")})
	wantCode(t, err, connect.CodeNotFound)
}

// TestSchemaUpdatesReadTheirMask: the schema Update RPCs write the fields update_mask names and
// leave the others alone whatever they hold; a masked field that cannot be empty, or no mask, is
// InvalidArgument before any upstream call.
func TestSchemaUpdatesReadTheirMask(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	objs := attiov1connect.NewObjectServiceClient(h.rpc(protocols[0]))
	ctx := t.Context()
	got, err := objs.GetObject(ctx, &attiov1.GetObjectRequest{Object: "deals"})
	if err != nil {
		t.Fatal(err)
	}
	// singular_noun holds a value but is not in the mask: left alone.
	up, err := objs.UpdateObject(ctx, &attiov1.UpdateObjectRequest{Object: "deals", PluralNoun: "Opportunities",
		SingularNoun: "Ignored", UpdateMask: mask("plural_noun")})
	if err != nil {
		t.Fatal(err)
	}
	if o := up.GetObject(); o.GetPluralNoun() != "Opportunities" || o.GetSingularNoun() != got.GetObject().GetSingularNoun() {
		t.Fatalf("plural_noun only: %v", o)
	}
	attrs := attiov1connect.NewAttributeServiceClient(h.rpc(protocols[0]))
	target := attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT
	for name, call := range map[string]func() error{
		"no mask": func() error {
			_, err := objs.UpdateObject(ctx, &attiov1.UpdateObjectRequest{Object: "deals", PluralNoun: "X"})
			return err
		},
		"empty noun in the mask": func() error {
			_, err := objs.UpdateObject(ctx, &attiov1.UpdateObjectRequest{Object: "deals", UpdateMask: mask("plural_noun")})
			return err
		},
		"empty attribute title in the mask": func() error {
			_, err := attrs.UpdateAttribute(ctx, &attiov1.UpdateAttributeRequest{Target: target, Identifier: "deals", Attribute: "name",
				UpdateMask: mask("title")})
			return err
		},
		"unknown path": func() error {
			_, err := attrs.UpdateStatus(ctx, &attiov1.UpdateStatusRequest{Target: target, Identifier: "deals", Attribute: "stage",
				Status: "Lead", UpdateMask: mask("colour")})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { wantLocalInvalid(t, h, call) })
	}
}
