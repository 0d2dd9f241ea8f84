package interceptors

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// FuzzApprovalToken feeds arbitrary tokens to the parse, verify and redeem path. Nothing may
// panic, only a token minted with the secret for exactly this write may be accepted, and inputs
// beyond maxTokenBytes are refused before parsing (bounded work and memory). Its seeds run in
// every `go test`.
func FuzzApprovalToken(f *testing.F) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	secret := []byte("0123456789abcdef0123456789abcdef-fuzz")
	a, err := NewApprovals(ApprovalOptions{Secret: secret, Now: clock})
	if err != nil {
		f.Fatal(err)
	}
	ap := &attiov1.Approval{Id: "6f1c1f57-8a8f-4e4e-9a5e-0c4d7b1b2a10", Requester: "apikey:writer", Procedure: "/p", Connection: "",
		RequestDigest: "d", State: attiov1.ApprovalState_APPROVAL_STATE_APPROVED, ExpiresAt: timestamppb.New(now.Add(time.Minute))}
	good, err := a.mint(ap)
	if err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(good, ".")
	for _, seed := range []string{
		good, good + "x", parts[0] + "." + parts[1] + ".", parts[0] + ".." + parts[2], "", ".", "..", "a.b.c",
		"eyJhbGciOiJub25lIn0.e30.", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.AAAA", strings.Repeat("A", maxTokenBytes+1),
		"eyJhbGciOiJSUzI1NiJ9." + parts[1] + "." + parts[2],
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		id, c, reason := a.verify(token)
		if len(token) > maxTokenBytes && reason != "malformed token" {
			t.Fatalf("token of %d bytes was parsed", len(token))
		}
		if reason == "" && (c.ID == "" || c.Expiry == nil || id != c.ID) {
			t.Fatalf("verified token lacks claims: %+v", c)
		}
		// A fresh store per input: accepting requires the approved approval to exist.
		a.store, a.used = NewMemoryApprovalStore(clock), NewMemoryUsedTokens(clock)
		if err := a.store.Create(t.Context(), ap, now.Add(time.Hour), 0); err != nil {
			t.Fatal(err)
		}
		_, _, reason, _ = a.redeem(t.Context(), token, "apikey:writer", "/p", "", "d")
		if reason == "" && token != good {
			t.Fatalf("accepted a token that was not minted for this write: %q", token)
		}
	})
}
