package server_test

import (
	"bytes"
	"errors"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/server"
)

// TestFileUploadNeedsApproval: an upload (a client stream) is a write: without a token it is
// refused with ApprovalRequired and nothing reaches Attio; the approved token, bound to the
// header (which pins the content's size and SHA-256), lets exactly that upload through once.
func TestFileUploadNeedsApproval(t *testing.T) {
	t.Parallel()
	cfg, err := interceptors.ParseAuthConfig([]byte(`{"api_keys":[
	  {"name":"writer","sha256":"` + sum("key-writer") + `","scopes":["read","write"]},
	  {"name":"approver","sha256":"` + sum("key-approver") + `","scopes":["read","approve"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := interceptors.NewAuthenticator(cfg, interceptors.AuthenticatorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	approvals, err := interceptors.NewApprovals(cfg.ApprovalOptions())
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessConfig{opts: func(o *server.Options) {
		o.Interceptors = interceptors.Chain(interceptors.ChainConfig{Auth: auth.Interceptor(), Approvals: approvals.Interceptor()})
		o.Approvals = server.NewApprovalService(approvals)
	}})
	c := attiov1connect.NewFileServiceClient(h.rpc(protocols[0]))
	ac := attiov1connect.NewApprovalServiceClient(h.rpc(protocols[0]))
	content := []byte("approved bytes")
	send := func(approval string) (*attiov1.UploadFileResponse, error) {
		st, err := c.UploadFile(as(t.Context(), "key-writer", approval))
		if err != nil {
			return nil, err
		}
		_ = st.Send(&attiov1.UploadFileRequest{Part: &attiov1.UploadFileRequest_Header{Header: header("approved.txt", content)}})
		_ = st.Send(&attiov1.UploadFileRequest{Part: &attiov1.UploadFileRequest_Chunk{Chunk: content}})
		return st.CloseAndReceive()
	}
	before := h.sb.Sandbox.Stats().Total
	_, err = send("")
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeFailedPrecondition || len(ce.Details()) != 1 {
		t.Fatalf("unapproved upload: %v", err)
	}
	if after := h.sb.Sandbox.Stats().Total; after != before {
		t.Fatalf("an unapproved upload reached the upstream (%d requests)", after-before)
	}
	m, err := connectproto.UnmarshalErrorDetail(ce.Details()[0])
	if err != nil {
		t.Fatal(err)
	}
	id := m.(*attiov1.ApprovalRequired).GetApprovalId()
	if _, err := ac.Approve(as(t.Context(), "key-approver", ""), &attiov1.ApproveRequest{ApprovalId: id}); err != nil {
		t.Fatal(err)
	}
	got, err := ac.GetApproval(as(t.Context(), "key-writer", ""), &attiov1.GetApprovalRequest{ApprovalId: id})
	if err != nil || got.GetApproval().GetToken() == "" {
		t.Fatalf("token: %v, %v", got, err)
	}
	res, err := send(got.GetApproval().GetToken())
	if err != nil || res.GetFile().GetContentSize() != int64(len(content)) {
		t.Fatalf("approved upload: %v, %v", res, err)
	}
	dl, _, err := download(as(t.Context(), "key-writer", ""), c, res.GetFile().GetId().GetFileId())
	if err != nil || !bytes.Equal(dl, content) {
		t.Fatalf("download of the approved upload: %q, %v", dl, err)
	}
	if _, err := send(got.GetApproval().GetToken()); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("replayed token: %v", err)
	}
}
