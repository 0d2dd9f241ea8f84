package server_test

import (
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestActivityService(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewActivityServiceClient(h.rpc(p))
		for _, slug := range []string{"site_visits", "webinars"} {
			_, err := c.CreateActivity(ctx, &attiov1.CreateActivityRequest{ApiSlug: slug, SingularNoun: slug + " one", PluralNoun: slug + " all",
				Extends: attiov1.ActivitySchema_ACTIVITY_SCHEMA_INTERACTIONS})
			if err != nil {
				t.Fatal(err)
			}
		}
		first, err := c.ListActivities(ctx, &attiov1.ListActivitiesRequest{PageSize: 2})
		if err != nil || len(first.GetActivities()) != 2 || first.GetNextPageToken() == "" {
			t.Fatalf("first page %v, %v", first, err)
		}
		phone := first.GetActivities()[0]
		if phone.GetApiSlug() != "phone_calls" || phone.GetId().GetActivityId() != sandbox.SeedPhoneCallsActivityID ||
			phone.GetExtends() != attiov1.ActivitySchema_ACTIVITY_SCHEMA_CALLS || phone.GetCreatedAt() == nil || phone.GetExtraJson() != "" {
			t.Fatalf("system activity %v", phone)
		}
		second, err := c.ListActivities(ctx, &attiov1.ListActivitiesRequest{PageSize: 2, PageToken: first.GetNextPageToken()})
		if err != nil || len(second.GetActivities()) != 1 || second.GetActivities()[0].GetApiSlug() != "webinars" || second.GetNextPageToken() != "" {
			t.Fatalf("second page %v, %v", second, err)
		}
		st, err := c.StreamActivities(ctx, &attiov1.StreamActivitiesRequest{PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, st.Receive)
		if len(msgs) != 2 || len(msgs[0].GetActivities()) != 2 || len(msgs[1].GetActivities()) != 1 {
			t.Fatalf("streamed %v", msgs)
		}
		// Resuming after the first message sends the rest only.
		st, err = c.StreamActivities(ctx, &attiov1.StreamActivitiesRequest{PageSize: 2, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if rest := drain(t, st.Receive); len(rest) != 1 || rest[0].GetActivities()[0].GetApiSlug() != "webinars" {
			t.Fatalf("resumed %v", rest)
		}

		got, err := c.GetActivity(ctx, &attiov1.GetActivityRequest{Activity: "site_visits"})
		if err != nil || got.GetActivity().GetExtends() != attiov1.ActivitySchema_ACTIVITY_SCHEMA_INTERACTIONS ||
			strings.Join(got.GetActivity().GetExtendsNames(), ",") != "interactions" {
			t.Fatalf("get %v, %v", got, err)
		}
		id := got.GetActivity().GetId().GetActivityId()
		up, err := c.UpdateActivity(ctx, &attiov1.UpdateActivityRequest{Activity: id, SingularNoun: "Site visit", PluralNoun: "ignored",
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"singular_noun"}}})
		if err != nil || up.GetActivity().GetSingularNoun() != "Site visit" || up.GetActivity().GetPluralNoun() != "site_visits all" {
			t.Fatalf("update %v, %v", up, err)
		}
		_, err = c.CreateActivity(ctx, &attiov1.CreateActivityRequest{ApiSlug: "site_visits", SingularNoun: "x", PluralNoun: "y", Extends: attiov1.ActivitySchema_ACTIVITY_SCHEMA_CALLS})
		wantCode(t, err, connect.CodeAlreadyExists)
		for _, bad := range []func() error{
			func() error {
				_, err := c.CreateActivity(ctx, &attiov1.CreateActivityRequest{ApiSlug: "demos", SingularNoun: "Demo", PluralNoun: "Demos"})
				return err // no schema
			},
			func() error {
				_, err := c.UpdateActivity(ctx, &attiov1.UpdateActivityRequest{Activity: id, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"plural_noun"}}})
				return err // named but empty
			},
			func() error {
				_, err := c.UpdateActivity(ctx, &attiov1.UpdateActivityRequest{Activity: id, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"extends"}}})
				return err
			},
		} {
			wantLocalInvalid(t, h, bad)
		}
		_, err = c.DeleteActivity(ctx, &attiov1.DeleteActivityRequest{Activity: "phone_calls"})
		wantCode(t, err, connect.CodeInvalidArgument) // the system activity stays
		if _, err := c.DeleteActivity(ctx, &attiov1.DeleteActivityRequest{Activity: id}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetActivity(ctx, &attiov1.GetActivityRequest{Activity: id})
		wantCode(t, err, connect.CodeNotFound)
	})
}

// Activities are schema: reads for the read scope, writes for the admin scope with an approval,
// and a delete's approval shows the activity.
func TestActivitiesNeedAdminAndApproval(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	c := attiov1connect.NewActivityServiceClient(g.rpc(protocols[0]))
	if _, err := c.ListActivities(caller(readerKey), &attiov1.ListActivitiesRequest{}); err != nil {
		t.Fatalf("read scope: %v", err)
	}
	req := &attiov1.CreateActivityRequest{ApiSlug: "demos", SingularNoun: "Demo", PluralNoun: "Demos", Extends: attiov1.ActivitySchema_ACTIVITY_SCHEMA_CALLS}
	_, err := c.CreateActivity(caller(writerKey), req)
	wantCode(t, err, connect.CodePermissionDenied)
	_, err = c.CreateActivity(caller(adminKey), req)
	approvalRequired(t, err)
	need := approvalRequired(t, func() error {
		_, err := c.DeleteActivity(caller(adminKey), &attiov1.DeleteActivityRequest{Activity: "phone_calls"})
		return err
	}())
	if !strings.Contains(need.GetSummary(), "permanently deletes") || !strings.Contains(need.GetSummary(), "phone_calls") {
		t.Fatalf("delete approval does not show the activity: %q", need.GetSummary())
	}
	if list, err := c.ListActivities(caller(readerKey), &attiov1.ListActivitiesRequest{}); err != nil || len(list.GetActivities()) != 1 {
		t.Fatalf("an activity was written without an approval: %v, %v", list, err)
	}
}
