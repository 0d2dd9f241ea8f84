package attiofacade_test

import (
	"errors"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// TestSlugOrIDRule: the predefined rules slug_or_id and slug accept slugs (and UUIDs) and refuse
// anything else with their own rule id, on a plain field, an optional field and list items.
func TestSlugOrIDRule(t *testing.T) {
	t.Parallel()
	long := "a" + strings.Repeat("b", 127)
	for _, tc := range []struct {
		name   string
		msg    proto.Message
		ruleID string // empty: valid
	}{
		{"slug", &attiov1.GetObjectRequest{Object: "people"}, ""},
		{"uuid", &attiov1.GetObjectRequest{Object: "6b198147-cff2-4829-8841-bbdaabfa2fe1"}, ""},
		{"128 characters", &attiov1.GetObjectRequest{Object: long}, ""},
		{"129 characters", &attiov1.GetObjectRequest{Object: long + "c"}, "string.slug_or_id"},
		{"empty", &attiov1.GetObjectRequest{}, "string.slug_or_id"},
		{"upper case", &attiov1.GetObjectRequest{Object: "People"}, "string.slug_or_id"},
		{"dot segment", &attiov1.GetObjectRequest{Object: ".."}, "string.slug_or_id"},
		{"leading digit", &attiov1.GetObjectRequest{Object: "1people"}, "string.slug_or_id"},
		{"list item", &attiov1.SearchRecordsRequest{Objects: []string{"people", "no/slash"}}, "string.slug_or_id"},
		{"slug only: a uuid", &attiov1.CreateObjectRequest{ApiSlug: "6b198147-cff2-4829-8841-bbdaabfa2fe1", SingularNoun: "a", PluralNoun: "b"}, "string.slug"},
		{"empty and ignored", &attiov1.UpdateObjectRequest{Object: "people", UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"plural_noun"}}}, ""},
		{"set, bad", &attiov1.UpdateObjectRequest{Object: "people", ApiSlug: "Bad", UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"api_slug"}}}, "string.slug"},
	} {
		err := protovalidate.Validate(tc.msg)
		var verr *protovalidate.ValidationError
		switch {
		case tc.ruleID == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.ruleID != "" && !errors.As(err, &verr):
			t.Errorf("%s: got %v, want a violation of %s", tc.name, err, tc.ruleID)
		case tc.ruleID != "":
			ids := []string{}
			for _, v := range verr.Violations {
				ids = append(ids, v.Proto.GetRuleId())
			}
			if strings.Join(ids, ",") != tc.ruleID {
				t.Errorf("%s: violations %v, want exactly %s", tc.name, ids, tc.ruleID)
			}
		}
	}
}

// TestIdentifierRulesAreShared: no string field (or list of strings) of the contract spells out the
// slug or slug-or-UUID pattern itself: every one uses the predefined rules above.
func TestIdentifierRulesAreShared(t *testing.T) {
	t.Parallel()
	uses := 0
	eachMessage(t, func(md protoreflect.MessageDescriptor) {
		for i := range md.Fields().Len() {
			fd := md.Fields().Get(i)
			rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
			s := rules.GetString()
			if fd.IsList() {
				s = rules.GetRepeated().GetItems().GetString()
			}
			if strings.Contains(s.GetPattern(), "[a-z][a-z0-9_]") {
				t.Errorf("%s: writes the slug pattern out; use (attio.v1.slug_or_id) or (attio.v1.slug)", fd.FullName())
			}
			if proto.GetExtension(s, attiov1.E_SlugOrId).(bool) || proto.GetExtension(s, attiov1.E_Slug).(bool) {
				uses++
			}
		}
	})
	if uses < 60 {
		t.Errorf("only %d fields use the shared identifier rules", uses)
	}
}
