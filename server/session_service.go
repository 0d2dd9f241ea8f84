package server

import (
	"context"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// SessionService serves attio.v1.SessionService: the caller's own identity, from the
// authenticator's principal alone (no upstream call, no credential echoed).
type SessionService struct{}

var _ attiov1connect.SessionServiceHandler = SessionService{}

// WhoAmI implements attiov1connect.SessionServiceHandler.
func (SessionService) WhoAmI(ctx context.Context, _ *attiov1.WhoAmIRequest) (*attiov1.WhoAmIResponse, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	scopes := make([]string, len(p.Scopes))
	for i, sc := range p.Scopes {
		scopes[i] = string(sc)
	}
	return &attiov1.WhoAmIResponse{
		Principal: p.ID(), Name: p.Name, Kind: string(p.Kind), Scopes: scopes,
		Connections: append([]string(nil), p.Connections...), AutoApprove: p.AutoApprove, AutoApproveDeletes: p.AutoApproveDeletes,
	}, nil
}
