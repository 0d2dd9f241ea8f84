package attiofacade_test

import (
	"slices"
	"strings"
	"testing"

	_ "buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate" // registers buf/validate/validate.proto
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"                    // registers google/rpc/error_details.proto
	_ "google.golang.org/genproto/googleapis/rpc/status"                        // registers google/rpc/status.proto
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	attiofacade "github.com/attio-facade/attio-facade"
	_ "github.com/attio-facade/attio-facade/gen/attio/v1" // registers the attio.v1 files
)

// TestDescriptorSetMatchesLinkedProtos pins the vendored protos and the published descriptor set
// to what the binary links: every file of the set that the binary also registers (attio.v1 from
// gen/, buf/validate from the protovalidate Go module, google/rpc from genproto) must describe the
// same schema, comments aside. A vendored proto from another version, or a descriptor set or gen/
// left stale after a proto change, fails here.
func TestDescriptorSetMatchesLinkedProtos(t *testing.T) {
	t.Parallel()
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(attiofacade.DescriptorSet(), &set); err != nil {
		t.Fatalf("descriptors/attio-v1.binpb: %v", err)
	}
	if _, err := protodesc.NewFiles(&set); err != nil {
		t.Fatalf("the descriptor set is not self-contained: %v", err)
	}
	var names []string
	for _, got := range set.GetFile() {
		names = append(names, got.GetName())
		if strings.HasPrefix(got.GetName(), "google/protobuf/") {
			continue // the well-known types come with the compiler (buf or protoc), not from proto/
		}
		linked, err := protoregistry.GlobalFiles.FindFileByPath(got.GetName())
		if err != nil {
			continue // not linked by the binary (for example a well-known type it does not use)
		}
		want := protodesc.ToFileDescriptorProto(linked)
		got = proto.CloneOf(got)
		got.SourceCodeInfo, want.SourceCodeInfo = nil, nil
		if !proto.Equal(got, want) {
			t.Errorf("%s in the descriptor set differs from the linked Go descriptor: vendor the version in use, or run ./scripts/generate.sh", got.GetName())
		}
	}
	for _, must := range []string{
		"attio/v1/record_service.proto",
		"buf/validate/validate.proto",
		"google/rpc/status.proto",
		"google/rpc/error_details.proto",
		"google/protobuf/timestamp.proto",
	} {
		if !slices.Contains(names, must) {
			t.Errorf("the descriptor set lacks %s; it has %v", must, names)
		}
	}
	if set.GetFile()[0].GetSourceCodeInfo() == nil {
		t.Error("the descriptor set has no source info: clients lose the contract's comments")
	}
}
