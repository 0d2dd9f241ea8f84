package server_test

import (
	"context"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestObjectService(t *testing.T) {
	eachClient(t, attiov1connect.NewObjectServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.ObjectServiceClient, h *harness, p protocol) {
		list, err := c.ListObjects(ctx, &attiov1.ListObjectsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		bySlug := map[string]*attiov1.Object{}
		for _, o := range list.GetObjects() {
			if o.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID {
				t.Fatalf("object %s in workspace %s", o.GetApiSlug(), o.GetId().GetWorkspaceId())
			}
			bySlug[o.GetApiSlug()] = o
		}
		for _, slug := range []string{"companies", "people", "deals", "projects"} {
			if bySlug[slug] == nil {
				t.Fatalf("ListObjects lacks %q: %v", slug, list)
			}
		}
		proj := bySlug["projects"]
		if proj.GetId().GetObjectId() != seedProjectsID || proj.GetSingularNoun() != "Project" || proj.GetPluralNoun() != "Projects" {
			t.Fatalf("projects = %v", proj)
		}
		wantTime(t, "projects.created_at", proj.GetCreatedAt(), "2024-06-01T00:00:00Z")

		// By slug and by id: the same object.
		for _, ref := range []string{"projects", seedProjectsID} {
			got, err := c.GetObject(ctx, &attiov1.GetObjectRequest{Object: ref})
			if err != nil {
				t.Fatal(err)
			}
			wantProto(t, "GetObject("+ref+")", got.GetObject(), proj)
		}
		_, err = c.GetObject(ctx, &attiov1.GetObjectRequest{Object: "no_such_object"})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.GetObject(ctx, &attiov1.GetObjectRequest{Object: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		created, err := c.CreateObject(ctx, &attiov1.CreateObjectRequest{ApiSlug: "vehicles", SingularNoun: "Vehicle", PluralNoun: "Vehicles"})
		if err != nil {
			t.Fatal(err)
		}
		o := created.GetObject()
		if o.GetApiSlug() != "vehicles" || o.GetSingularNoun() != "Vehicle" || o.GetId().GetObjectId() == "" || o.GetCreatedAt() == nil {
			t.Fatalf("CreateObject = %v", o)
		}
		_, err = c.CreateObject(ctx, &attiov1.CreateObjectRequest{ApiSlug: "vehicles", SingularNoun: "Vehicle", PluralNoun: "Vehicles"})
		wantCode(t, err, connect.CodeAlreadyExists)

		// Only the fields set change.
		up, err := c.UpdateObject(ctx, &attiov1.UpdateObjectRequest{Object: "vehicles", PluralNoun: "Fleet", UpdateMask: mask("plural_noun")})
		if err != nil {
			t.Fatal(err)
		}
		if up.GetObject().GetPluralNoun() != "Fleet" || up.GetObject().GetSingularNoun() != "Vehicle" {
			t.Fatalf("UpdateObject = %v", up.GetObject())
		}
		back, err := c.GetObject(ctx, &attiov1.GetObjectRequest{Object: o.GetId().GetObjectId()})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "read back", back.GetObject(), up.GetObject())
		_, err = c.UpdateObject(ctx, &attiov1.UpdateObjectRequest{Object: "no_such_object", PluralNoun: "X", UpdateMask: mask("plural_noun")})
		wantCode(t, err, connect.CodeNotFound)

		wantLocalInvalid(t, h, func() error {
			_, err := c.GetObject(ctx, &attiov1.GetObjectRequest{Object: "Not A Slug!"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateObject(ctx, &attiov1.CreateObjectRequest{ApiSlug: "ok_slug", SingularNoun: "", PluralNoun: "X"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.UpdateObject(ctx, &attiov1.UpdateObjectRequest{Object: "vehicles", ApiSlug: "Bad-Slug", UpdateMask: mask("api_slug")})
			return err
		})
	})
}
