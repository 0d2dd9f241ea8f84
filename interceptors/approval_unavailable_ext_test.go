package interceptors_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/interceptors"
)

// flakyUsedTokens is a used-token store that can be made unreachable, like a shared store whose
// server went away.
type flakyUsedTokens struct {
	*interceptors.MemoryUsedTokens
	down atomic.Bool
}

var errStoreDown = errors.New("store unreachable")

func (f *flakyUsedTokens) MarkUsed(ctx context.Context, jti string, exp time.Time) (bool, error) {
	if f.down.Load() {
		return false, errStoreDown
	}
	return f.MemoryUsedTokens.MarkUsed(ctx, jti, exp)
}

// TestRedeemFailsClosedWhenStoreDown: a redemption the used-token store cannot record is refused
// with Unavailable (a retry may work; PermissionDenied would say the token is bad), nothing is
// written, and the same token works once the store is back.
func TestRedeemFailsClosedWhenStoreDown(t *testing.T) {
	t.Parallel()
	used := &flakyUsedTokens{MemoryUsedTokens: interceptors.NewMemoryUsedTokens(nil)}
	e := newEnv(t, envOptions{used: used})
	token, _ := e.approvedToken(t, "key-writer", "", recordA)
	used.down.Store(true)
	err := e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordA)
	if connect.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("redeem with the store down: %v, want Unavailable", err)
	}
	if n := e.records.deletes.Load(); n != 0 {
		t.Fatalf("%d deletes ran with the store down", n)
	}
	used.down.Store(false)
	if err := e.deleteRecord(callCtx(t.Context(), "key-writer", "", token), recordA); err != nil {
		t.Fatalf("same token after recovery: %v", err)
	}
	if n := e.records.deletes.Load(); n != 1 {
		t.Fatalf("%d deletes, want 1", n)
	}
}
