package interceptors_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/connect/v2/connectproto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
)

// exampleRecords pretends to delete records.
type exampleRecords struct {
	attiov1connect.UnimplementedRecordServiceHandler
}

func (exampleRecords) DeleteRecord(context.Context, *attiov1.DeleteRecordRequest) (*attiov1.DeleteRecordResponse, error) {
	return &attiov1.DeleteRecordResponse{}, nil
}

// A delete is refused until another principal approves it; the requester then repeats the identical
// call with the approval token, which works exactly once.
func Example() {
	auth, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{Sandbox: true})
	if err != nil {
		panic(err)
	}
	approvals, err := interceptors.NewApprovals(interceptors.ApprovalOptions{}) // random secret, in-memory stores
	if err != nil {
		panic(err)
	}
	// Authentication first, approvals last (right before the handler).
	srv := connect.NewServer(auth.Interceptor(), approvals.Interceptor())
	attiov1connect.RegisterRecordServiceHandler(srv, exampleRecords{})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewServer(mux)
	defer hs.Close()
	records := attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL)))

	call := func(token, approval string) error {
		ctx, info := connect.NewClientContext(context.Background())
		info.RequestHeader().Set(interceptors.HeaderAuthorization, "Bearer "+token)
		if approval != "" {
			info.RequestHeader().Set(interceptors.HeaderApproval, approval)
		}
		_, err := records.DeleteRecord(ctx, &attiov1.DeleteRecordRequest{Object: "people", RecordId: "8f0c7a2e-3b1d-4c5e-9f6a-1b2c3d4e5f60"})
		return err
	}

	err = call(interceptors.SandboxWriterToken, "")
	fmt.Println("without approval:", connect.CodeOf(err))
	var ce *connect.Error
	errors.As(err, &ce)
	detail, _ := connectproto.UnmarshalErrorDetail(ce.Details()[0])
	id := detail.(*attiov1.ApprovalRequired).GetApprovalId()

	sandbox := interceptors.SandboxPrincipals()
	if _, err := approvals.Approve(context.Background(), sandbox[interceptors.SandboxApproverToken], id); err != nil {
		panic(err)
	}
	ap, _ := approvals.Get(context.Background(), sandbox[interceptors.SandboxWriterToken], id)
	fmt.Println("state:", ap.GetState())
	fmt.Println("with token:", call(interceptors.SandboxWriterToken, ap.GetToken()))
	fmt.Println("replayed:", connect.CodeOf(call(interceptors.SandboxWriterToken, ap.GetToken())))
	// Output:
	// without approval: failed_precondition
	// state: APPROVAL_STATE_APPROVED
	// with token: <nil>
	// replayed: permission_denied
}
