package server_test

import (
	"slices"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/server"
)

// TestWhoAmI: every protocol answers the caller's identity and scopes, never its token; without
// credentials it is Unauthenticated.
func TestWhoAmI(t *testing.T) {
	t.Parallel()
	e := newWatchEnv(t, server.ApprovalWatchConfig{}, server.StreamLimitsConfig{})
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c := attiov1connect.NewSessionServiceClient(e.rpc(p))
			got, err := c.WhoAmI(caller(interceptors.SandboxApproverToken), &attiov1.WhoAmIRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if got.GetPrincipal() != "apikey:sandbox-approver" || got.GetKind() != "apikey" || got.GetName() != "sandbox-approver" ||
				!slices.Equal(got.GetScopes(), []string{"read", "approve"}) || got.GetAutoApprove() {
				t.Fatalf("WhoAmI = %v", got)
			}
			ctx, _ := connect.NewClientContext(t.Context())
			if _, err := c.WhoAmI(ctx, &attiov1.WhoAmIRequest{}); connect.CodeOf(err) != connect.CodeUnauthenticated {
				t.Fatalf("anonymous: %v", err)
			}
		})
	}
}
