package main

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	attiofacade "github.com/attio-facade/attio-facade"
	"github.com/attio-facade/attio-facade/server"
)

// The facade publishes the committed descriptor set at its stable path, without credentials (the
// server runs with auth on), and the bytes build a complete registry a client can use.
func TestServePublishesTheDescriptorSet(t *testing.T) {
	t.Parallel()
	r := start(t, nil)
	req, _ := http.NewRequest(http.MethodGet, r.url+"/descriptors/attio-v1.binpb", nil)
	req.Header.Set("Accept-Encoding", "identity")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != server.DescriptorMediaType {
		t.Fatalf("GET %s: %d %q", server.DescriptorPath, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !bytes.Equal(body, attiofacade.DescriptorSet()) {
		t.Fatalf("served %d bytes, not the committed descriptors/attio-v1.binpb (%d bytes)", len(body), len(attiofacade.DescriptorSet()))
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(body, &set); err != nil {
		t.Fatal(err)
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append(server.ServiceNames(), "google.rpc.ErrorInfo", "attio.v1.ApprovalRequired") {
		if _, err := files.FindDescriptorByName(protoreflect.FullName(name)); err != nil {
			t.Errorf("the served set lacks %s: %v", name, err)
		}
	}
}
