package interceptors_test

import (
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

func TestMemoryUsedTokens(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := interceptors.NewMemoryUsedTokens(clock.Now)
	exp := clock.Now().Add(time.Minute)
	steps := []struct {
		jti     string
		advance time.Duration
		want    bool
	}{
		{"a", 0, true},
		{"a", 0, false},
		{"b", 0, true},
		{"a", 30 * time.Second, false},
		// Past the expiry the id is forgotten (its token can no longer verify anyway).
		{"a", 2 * time.Minute, true},
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		first, err := s.MarkUsed(t.Context(), st.jti, exp)
		if err != nil || first != st.want {
			t.Fatalf("step %d (%s): first=%v err=%v, want %v", i, st.jti, first, err, st.want)
		}
	}
	if s.Len() != 1 {
		t.Fatalf("expired ids not swept: %d remembered", s.Len())
	}
}

func TestMemoryApprovalStore(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := interceptors.NewMemoryApprovalStore(clock.Now)
	ctx := t.Context()
	ap := &attiov1.Approval{Id: "a1", State: attiov1.ApprovalState_APPROVAL_STATE_PENDING, ExpiresAt: timestamppb.New(clock.Now())}
	if err := s.Create(ctx, ap, clock.Now().Add(time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, ap, clock.Now().Add(time.Hour), 0); err == nil {
		t.Fatal("duplicate id accepted")
	}
	ap.Summary = "changed after Create"
	if got, _ := s.Get(ctx, "a1"); got.GetSummary() != "" {
		t.Fatal("store shares the caller's message")
	}
	next := &attiov1.Approval{Id: "a1", State: attiov1.ApprovalState_APPROVAL_STATE_APPROVED}
	if ok, err := s.Transition(ctx, attiov1.ApprovalState_APPROVAL_STATE_PENDING, next, clock.Now().Add(time.Hour)); !ok || err != nil {
		t.Fatalf("first transition: %v %v", ok, err)
	}
	denied := &attiov1.Approval{Id: "a1", State: attiov1.ApprovalState_APPROVAL_STATE_DENIED}
	if ok, err := s.Transition(ctx, attiov1.ApprovalState_APPROVAL_STATE_PENDING, denied, clock.Now().Add(time.Hour)); ok || err != nil {
		t.Fatalf("stale transition: %v %v, want false", ok, err)
	}
	if got, _ := s.Get(ctx, "a1"); got.GetState() != attiov1.ApprovalState_APPROVAL_STATE_APPROVED {
		t.Fatalf("state = %v", got.GetState())
	}
	clock.Advance(2 * time.Hour)
	if _, err := s.Get(ctx, "a1"); !errors.Is(err, interceptors.ErrApprovalNotFound) {
		t.Fatalf("after retention: %v", err)
	}
	if l, _ := s.List(ctx); len(l) != 0 {
		t.Fatalf("after retention: %v", l)
	}
}
