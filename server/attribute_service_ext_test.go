package server_test

import (
	"context"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

const (
	targetObject = attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT
	targetList   = attiov1.AttributeTarget_ATTRIBUTE_TARGET_LIST
)

func TestAttributeServiceReadAndPage(t *testing.T) {
	eachClient(t, attiov1connect.NewAttributeServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.AttributeServiceClient, h *harness, p protocol) {
		companies, err := attiov1connect.NewObjectServiceClient(h.rpc(p)).GetObject(ctx, &attiov1.GetObjectRequest{Object: "companies"})
		if err != nil {
			t.Fatal(err)
		}

		all, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects"})
		if err != nil {
			t.Fatal(err)
		}
		if all.GetNextPageToken() != "" {
			t.Fatalf("page_size 0 means 100, and projects has fewer attributes: got a next token")
		}
		byslug := map[string]*attiov1.Attribute{}
		for _, a := range all.GetAttributes() {
			byslug[a.GetApiSlug()] = a
			if a.GetId().GetObjectId() != seedProjectsID {
				t.Fatalf("%s belongs to %s", a.GetApiSlug(), a.GetId().GetObjectId())
			}
		}
		for _, slug := range []string{"record_id", "created_at", "name", "code", "budget", "phase", "company", "members", "site"} {
			if byslug[slug] == nil {
				t.Fatalf("projects lacks attribute %q: %v", slug, idsOf(all.GetAttributes(), attrSlug))
			}
		}
		if b := byslug["budget"]; b.GetType() != "currency" || b.GetConfig().GetCurrency().GetDefaultCurrencyCode() != "EUR" {
			t.Fatalf("budget = %v", b)
		}
		if co := byslug["company"]; co.GetType() != "record-reference" ||
			len(co.GetConfig().GetRecordReference().GetAllowedObjectIds()) != 1 ||
			co.GetConfig().GetRecordReference().GetAllowedObjectIds()[0] != companies.GetObject().GetId().GetObjectId() {
			t.Fatalf("company = %v", co)
		}
		if n := byslug["name"]; !n.GetIsRequired() || !n.GetIsWritable() || n.GetIsSystemAttribute() || n.GetDefaultValue() != nil {
			t.Fatalf("name = %v", n)
		}
		if r := byslug["record_id"]; !r.GetIsSystemAttribute() || !r.GetIsUnique() {
			t.Fatalf("record_id = %v", r)
		}
		if m := byslug["members"]; !m.GetIsMultiselect() {
			t.Fatalf("members = %v", m)
		}

		// Pages of 5 walk the same attributes in the same order.
		var walked []string
		req := &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects", PageSize: 5}
		pages := 0
		var firstToken string
		for {
			res, err := c.ListAttributes(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(res.GetAttributes()) > 5 {
				t.Fatalf("page of %d > page_size 5", len(res.GetAttributes()))
			}
			walked = append(walked, idsOf(res.GetAttributes(), attrSlug)...)
			if res.GetNextPageToken() == "" {
				break
			}
			if firstToken == "" {
				firstToken = res.GetNextPageToken()
			}
			req.PageToken = res.GetNextPageToken()
		}
		want := idsOf(all.GetAttributes(), attrSlug)
		if len(walked) != len(want) || pages < 2 {
			t.Fatalf("walked %d attributes in %d pages, want %d", len(walked), pages, len(want))
		}
		for i := range want {
			if walked[i] != want[i] {
				t.Fatalf("walk[%d] = %s, want %s", i, walked[i], want[i])
			}
		}
		// A token is bound to its query; page_size may change (AIP-158), the object may not.
		if _, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects", PageSize: 7, PageToken: firstToken}); err != nil {
			t.Fatalf("token with another page_size: %v", err)
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "companies", PageSize: 5, PageToken: firstToken})
			return err
		})

		// Lists have attributes too.
		stage, err := c.GetAttribute(ctx, &attiov1.GetAttributeRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage"})
		if err != nil {
			t.Fatal(err)
		}
		if stage.GetAttribute().GetType() != "status" || stage.GetAttribute().GetId().GetObjectId() != seedSalesPipelineID || stage.GetAttribute().GetTitle() != "Stage" {
			t.Fatalf("stage = %v", stage.GetAttribute())
		}
		byID, err := c.GetAttribute(ctx, &attiov1.GetAttributeRequest{Target: targetList, Identifier: seedSalesPipelineID, Attribute: stage.GetAttribute().GetId().GetAttributeId()})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "by id", byID.GetAttribute(), stage.GetAttribute())

		statuses, err := c.ListStatuses(ctx, &attiov1.ListStatusesRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage"})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, s := range statuses.GetStatuses() {
			titles = append(titles, s.GetTitle())
			if s.GetId().GetAttributeId() != stage.GetAttribute().GetId().GetAttributeId() || s.GetId().GetStatusId() == "" {
				t.Fatalf("status id %v", s.GetId())
			}
			if s.GetTitle() == "Won" && !s.GetCelebrationEnabled() {
				t.Fatalf("Won is celebrated in the seed: %v", s)
			}
		}
		if len(titles) != 4 || titles[0] != "Lead" || titles[1] != "In Progress" || titles[2] != "Won" || titles[3] != "Lost" {
			t.Fatalf("statuses = %v", titles)
		}
		opts, err := c.ListSelectOptions(ctx, &attiov1.ListSelectOptionsRequest{Target: targetObject, Identifier: "projects", Attribute: "priority"})
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(opts.GetOptions(), optionTitle); len(got) != 3 || got[0] != "Low" || got[1] != "Medium" || got[2] != "High" {
			t.Fatalf("priority options = %v", got)
		}

		_, err = c.GetAttribute(ctx, &attiov1.GetAttributeRequest{Target: targetObject, Identifier: "projects", Attribute: "no_such_attr"})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetList, Identifier: "no_such_list"})
		wantCode(t, err, connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Identifier: "projects"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetAttribute(ctx, &attiov1.GetAttributeRequest{Target: targetObject, Identifier: "projects", Attribute: "Bad Attr"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects", PageToken: "not-a-token"})
			return err
		})
	})
}

func TestAttributeServiceWrites(t *testing.T) {
	eachClient(t, attiov1connect.NewAttributeServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.AttributeServiceClient, h *harness, p protocol) {
		people, err := attiov1connect.NewObjectServiceClient(h.rpc(p)).GetObject(ctx, &attiov1.GetObjectRequest{Object: "people"})
		if err != nil {
			t.Fatal(err)
		}

		def, err := structpb.NewStruct(map[string]any{"type": "static", "template": []any{map[string]any{"value": "n/a"}}})
		if err != nil {
			t.Fatal(err)
		}
		created, err := c.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{
			Target: targetObject, Identifier: "projects", Title: "Status note", Description: "Free text", ApiSlug: "status_note",
			Type: "text", DefaultValue: def,
		})
		if err != nil {
			t.Fatal(err)
		}
		a := created.GetAttribute()
		if a.GetApiSlug() != "status_note" || a.GetDescription() != "Free text" || !a.GetIsDefaultValueEnabled() || !proto.Equal(a.GetDefaultValue(), def) {
			t.Fatalf("CreateAttribute = %v", a)
		}
		got, err := c.GetAttribute(ctx, &attiov1.GetAttributeRequest{Target: targetObject, Identifier: "projects", Attribute: "status_note"})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "read back", got.GetAttribute(), a)
		_, err = c.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{Target: targetObject, Identifier: "projects", Title: "Again", ApiSlug: "status_note", Type: "text"})
		wantCode(t, err, connect.CodeAlreadyExists)

		cur, err := c.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{
			Target: targetList, Identifier: "sales_pipeline", Title: "Fee", ApiSlug: "fee", Type: "currency",
			Config: &attiov1.AttributeConfig{Currency: &attiov1.CurrencyConfig{DefaultCurrencyCode: proto.String("GBP"), DisplayType: proto.String("code")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if cc := cur.GetAttribute().GetConfig().GetCurrency(); cc.GetDefaultCurrencyCode() != "GBP" || cc.GetDisplayType() != "code" || cur.GetAttribute().GetId().GetObjectId() != seedSalesPipelineID {
			t.Fatalf("currency attribute = %v", cur.GetAttribute())
		}
		ref, err := c.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{
			Target: targetObject, Identifier: "projects", Title: "Sponsor", ApiSlug: "sponsor", Type: "record-reference",
			Config: &attiov1.AttributeConfig{RecordReference: &attiov1.RecordReferenceConfig{AllowedObjectIds: []string{"people"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if ids := ref.GetAttribute().GetConfig().GetRecordReference().GetAllowedObjectIds(); len(ids) != 1 || ids[0] != people.GetObject().GetId().GetObjectId() {
			t.Fatalf("record-reference attribute = %v", ref.GetAttribute())
		}

		// Update: only the fields set; an empty description clears it; archiving hides it.
		up, err := c.UpdateAttribute(ctx, &attiov1.UpdateAttributeRequest{
			Target: targetObject, Identifier: "projects", Attribute: "status_note",
			Title: "Status memo", Description: "", IsArchived: true, UpdateMask: mask("title", "description", "is_archived"),
		})
		if err != nil {
			t.Fatal(err)
		}
		u := up.GetAttribute()
		if u.GetTitle() != "Status memo" || u.GetDescription() != "" || !u.GetIsArchived() || u.GetApiSlug() != "status_note" || !proto.Equal(u.GetDefaultValue(), def) {
			t.Fatalf("UpdateAttribute = %v", u)
		}
		visible, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects"})
		if err != nil {
			t.Fatal(err)
		}
		withArchived, err := c.ListAttributes(ctx, &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects", ShowArchived: true})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(idsOf(visible.GetAttributes(), attrSlug), "status_note") || !slices.Contains(idsOf(withArchived.GetAttributes(), attrSlug), "status_note") {
			t.Fatalf("archived attribute: visible %v, with archived %v", idsOf(visible.GetAttributes(), attrSlug), idsOf(withArchived.GetAttributes(), attrSlug))
		}

		// Select options.
		opt, err := c.CreateSelectOption(ctx, &attiov1.CreateSelectOptionRequest{Target: targetObject, Identifier: "projects", Attribute: "priority", Title: "Urgent"})
		if err != nil {
			t.Fatal(err)
		}
		if opt.GetOption().GetTitle() != "Urgent" || opt.GetOption().GetId().GetOptionId() == "" {
			t.Fatalf("CreateSelectOption = %v", opt.GetOption())
		}
		_, err = c.CreateSelectOption(ctx, &attiov1.CreateSelectOptionRequest{Target: targetObject, Identifier: "projects", Attribute: "priority", Title: "Urgent"})
		wantCode(t, err, connect.CodeAlreadyExists)
		renamed, err := c.UpdateSelectOption(ctx, &attiov1.UpdateSelectOptionRequest{Target: targetObject, Identifier: "projects", Attribute: "priority",
			Option: opt.GetOption().GetId().GetOptionId(), Title: "Critical", UpdateMask: mask("title")})
		if err != nil {
			t.Fatal(err)
		}
		if renamed.GetOption().GetTitle() != "Critical" || renamed.GetOption().GetIsArchived() {
			t.Fatalf("renamed option = %v", renamed.GetOption())
		}
		if _, err := c.UpdateSelectOption(ctx, &attiov1.UpdateSelectOptionRequest{Target: targetObject, Identifier: "projects", Attribute: "priority",
			Option: "Low", IsArchived: true, UpdateMask: mask("is_archived")}); err != nil {
			t.Fatal(err)
		}
		opts, err := c.ListSelectOptions(ctx, &attiov1.ListSelectOptionsRequest{Target: targetObject, Identifier: "projects", Attribute: "priority"})
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(opts.GetOptions(), optionTitle); len(got) != 3 || got[0] != "Medium" || got[1] != "High" || got[2] != "Critical" {
			t.Fatalf("options after archive = %v", got)
		}
		opts, err = c.ListSelectOptions(ctx, &attiov1.ListSelectOptionsRequest{Target: targetObject, Identifier: "projects", Attribute: "priority", ShowArchived: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := opts.GetOptions(); len(got) != 4 || got[0].GetTitle() != "Low" || !got[0].GetIsArchived() {
			t.Fatalf("options with archived = %v", got)
		}
		_, err = c.UpdateSelectOption(ctx, &attiov1.UpdateSelectOptionRequest{Target: targetObject, Identifier: "projects", Attribute: "priority", Option: "Nope", Title: "X", UpdateMask: mask("title")})
		// Attio answers an unknown option in the path with 400 value_not_found (see the spec).
		wantCode(t, err, connect.CodeInvalidArgument)

		// Statuses.
		st, err := c.CreateStatus(ctx, &attiov1.CreateStatusRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage",
			Title: "Negotiation", CelebrationEnabled: true, TargetTimeInStatus: "P0Y0M3DT0H0M0S"})
		if err != nil {
			t.Fatal(err)
		}
		if s := st.GetStatus(); s.GetTitle() != "Negotiation" || !s.GetCelebrationEnabled() || s.GetTargetTimeInStatus() != "P0Y0M3DT0H0M0S" {
			t.Fatalf("CreateStatus = %v", s)
		}
		st2, err := c.UpdateStatus(ctx, &attiov1.UpdateStatusRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage",
			Status: "Negotiation", TargetTimeInStatus: "", IsArchived: true, UpdateMask: mask("target_time_in_status", "is_archived")})
		if err != nil {
			t.Fatal(err)
		}
		if s := st2.GetStatus(); s.GetTargetTimeInStatus() != "" || !s.GetIsArchived() || !s.GetCelebrationEnabled() || s.GetTitle() != "Negotiation" {
			t.Fatalf("UpdateStatus = %v", s)
		}
		sts, err := c.ListStatuses(ctx, &attiov1.ListStatusesRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage", ShowArchived: true})
		if err != nil {
			t.Fatal(err)
		}
		last := sts.GetStatuses()[len(sts.GetStatuses())-1]
		wantProto(t, "read back", last, st2.GetStatus())
		sts, err = c.ListStatuses(ctx, &attiov1.ListStatusesRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage"})
		if err != nil {
			t.Fatal(err)
		}
		if len(sts.GetStatuses()) != 4 {
			t.Fatalf("archived status still listed: %v", sts.GetStatuses())
		}

		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateAttribute(ctx, &attiov1.CreateAttributeRequest{Target: targetObject, Identifier: "projects", Title: "X", ApiSlug: "x", Type: "interaction"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateStatus(ctx, &attiov1.CreateStatusRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage"})
			return err
		})
	})
}
