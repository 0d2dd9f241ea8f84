package server_test

import (
	"testing"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/server"
)

// TestEveryRegisteredRPCHasAnAccessRule walks every procedure registered on the RPC server: each
// must have an access rule read from its (attio.v1.access) option, or every call to it is refused.
func TestEveryRegisteredRPCHasAnAccessRule(t *testing.T) {
	t.Parallel()
	client, err := attio.New(attio.Config{APIKey: "k", BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for spec := range server.NewRPCServer(server.Options{Client: client}).Specs() {
		n++
		if _, ok := interceptors.LookupProcedure(spec.Procedure); !ok {
			t.Errorf("%s has no access rule", spec.Procedure)
		}
	}
	if n != len(interceptors.Procedures()) {
		t.Fatalf("%d procedures registered, %d in the access table", n, len(interceptors.Procedures()))
	}
}
