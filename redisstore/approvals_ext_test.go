package redisstore_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/redisstore"
)

const (
	pending  = attiov1.ApprovalState_APPROVAL_STATE_PENDING
	approved = attiov1.ApprovalState_APPROVAL_STATE_APPROVED
	used     = attiov1.ApprovalState_APPROVAL_STATE_USED
	denied   = attiov1.ApprovalState_APPROVAL_STATE_DENIED
)

func approval(id, requester string, st attiov1.ApprovalState, expires time.Time) *attiov1.Approval {
	return &attiov1.Approval{Id: id, Requester: requester, Procedure: "/attio.v1.RecordService/DeleteRecord",
		Connection: "c1", RequestDigest: "d-" + id, State: st, ExpiresAt: timestamppb.New(expires), Summary: "s"}
}

// TestApprovalsLifecycle is the memory store's contract on Redis: copies, duplicate ids, the
// compare-and-set, the open index, and retention.
func TestApprovalsLifecycle(t *testing.T) {
	t.Parallel()
	s, _ := open(t, redisstore.Options{})
	st := s.Approvals()
	ctx := t.Context()
	now := time.Now()
	ap := approval("a1", "apikey:w", pending, now.Add(time.Hour))
	if err := st.Create(ctx, ap, now.Add(2*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, ap, now.Add(2*time.Hour), 0); err == nil {
		t.Fatal("duplicate id accepted")
	}
	key := interceptors.WriteKey{Requester: "apikey:w", Procedure: ap.Procedure, Connection: "c1", Digest: "d-a1"}
	if got, err := st.FindOpen(ctx, key); err != nil || got.GetId() != "a1" {
		t.Fatalf("FindOpen = %v, %v", got, err)
	}
	other := key
	other.Digest = "another write"
	if got, err := st.FindOpen(ctx, other); err != nil || got != nil {
		t.Fatalf("FindOpen(other write) = %v, %v", got, err)
	}
	next := approval("a1", "apikey:w", approved, now.Add(time.Hour))
	next.DecidedBy = "apikey:approver"
	if ok, err := st.Transition(ctx, pending, next, now.Add(2*time.Hour)); !ok || err != nil {
		t.Fatalf("first transition: %v %v", ok, err)
	}
	if ok, err := st.Transition(ctx, pending, approval("a1", "apikey:w", denied, now), now.Add(2*time.Hour)); ok || err != nil {
		t.Fatalf("stale transition: %v %v, want false", ok, err)
	}
	got, err := st.Get(ctx, "a1")
	if err != nil || got.GetState() != approved || got.GetDecidedBy() != "apikey:approver" {
		t.Fatalf("Get = %v, %v", got, err)
	}
	if got, _ := st.FindOpen(ctx, key); got.GetState() != approved {
		t.Fatalf("approved approval not open: %v", got)
	}
	if ok, err := st.Transition(ctx, approved, approval("a1", "apikey:w", used, now.Add(time.Hour)), now.Add(2*time.Hour)); !ok || err != nil {
		t.Fatalf("redeem: %v %v", ok, err)
	}
	if got, err := st.FindOpen(ctx, key); err != nil || got != nil {
		t.Fatalf("used approval still open: %v %v", got, err)
	}
	if _, err := st.Get(ctx, "nope"); !errors.Is(err, interceptors.ErrApprovalNotFound) {
		t.Fatalf("Get(unknown) = %v", err)
	}
	if _, err := st.Transition(ctx, pending, approval("nope", "x", approved, now), now.Add(time.Hour)); !errors.Is(err, interceptors.ErrApprovalNotFound) {
		t.Fatalf("Transition(unknown) = %v", err)
	}
	if l, err := st.List(ctx); err != nil || len(l) != 1 || l[0].GetState() != used {
		t.Fatalf("List = %v, %v", l, err)
	}

	// Retention: Redis expires the approval itself, and List stops showing it.
	short := approval("a2", "apikey:w", pending, time.Now().Add(200*time.Millisecond))
	if err := st.Create(ctx, short, time.Now().Add(300*time.Millisecond), 0); err != nil {
		t.Fatal(err)
	}
	testkit.Until(t, "a2 purged", func() bool {
		_, err := st.Get(ctx, "a2")
		return errors.Is(err, interceptors.ErrApprovalNotFound)
	})
	if l, _ := st.List(ctx); len(l) != 1 {
		t.Fatalf("List after retention = %d approvals, want 1", len(l))
	}
}

// TestApprovalsMaxPending: the cap counts live pending approvals of one requester, atomically
// with the insert, and a decided approval frees its place.
func TestApprovalsMaxPending(t *testing.T) {
	t.Parallel()
	s, _ := open(t, redisstore.Options{})
	st := s.Approvals()
	ctx := t.Context()
	exp := time.Now().Add(time.Hour)
	// 20 concurrent creates against a cap of 3: exactly 3 are stored.
	var okN, capped atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := st.Create(ctx, approval(fmt.Sprint("p", i), "apikey:w", pending, exp), exp, 3)
			switch {
			case err == nil:
				okN.Add(1)
			case errors.Is(err, interceptors.ErrTooManyPending):
				capped.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if okN.Load() != 3 || capped.Load() != 17 {
		t.Fatalf("created %d, capped %d; want 3 and 17", okN.Load(), capped.Load())
	}
	if err := st.Create(ctx, approval("q", "apikey:other", pending, exp), exp, 3); err != nil {
		t.Fatalf("another requester is capped too: %v", err)
	}
	l, _ := st.List(ctx)
	var first *attiov1.Approval
	for _, ap := range l {
		if ap.GetRequester() == "apikey:w" {
			first = ap
		}
	}
	d := approval(first.GetId(), "apikey:w", denied, exp)
	d.RequestDigest = first.GetRequestDigest()
	if ok, err := st.Transition(ctx, pending, d, exp); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := st.Create(ctx, approval("after-deny", "apikey:w", pending, exp), exp, 3); err != nil {
		t.Fatalf("a denied approval still counts against the cap: %v", err)
	}
}

// TestTransitionRace: many replicas deciding one approval at once; exactly one wins.
func TestTransitionRace(t *testing.T) {
	t.Parallel()
	s, srv := open(t, redisstore.Options{})
	exp := time.Now().Add(time.Hour)
	if err := s.Approvals().Create(t.Context(), approval("r", "apikey:w", approved, exp), exp, 0); err != nil {
		t.Fatal(err)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			// Each goroutine its own connection, like separate replicas.
			other, err := redisstore.Open(t.Context(), srv.URL(), redisstore.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			defer other.Close()
			ok, err := other.Approvals().Transition(t.Context(), approved, approval("r", "apikey:w", used, exp), exp)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d transitions won, want exactly 1", wins.Load())
	}
}

func TestUsedTokens(t *testing.T) {
	t.Parallel()
	s, _ := open(t, redisstore.Options{})
	u := s.UsedTokens()
	ctx := t.Context()
	exp := time.Now().Add(time.Minute)
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			first, err := u.MarkUsed(ctx, "jti-1", exp)
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if firsts.Load() != 1 {
		t.Fatalf("%d first uses of one id, want 1", firsts.Load())
	}
	if err := u.Release(ctx, "jti-1"); err != nil {
		t.Fatal(err)
	}
	if first, err := u.MarkUsed(ctx, "jti-1", exp); !first || err != nil {
		t.Fatalf("after Release: first=%v err=%v, want a first use again", first, err)
	}
}

// TestUnavailable: with Redis down every call fails with ErrUnavailable (never a false "not
// found" or "already used"), health says why, and all recovers when Redis is back.
func TestUnavailable(t *testing.T) {
	t.Parallel()
	s, srv := open(t, redisstore.Options{Timeout: 500 * time.Millisecond})
	ctx := t.Context()
	exp := time.Now().Add(time.Hour)
	if s.Degraded() != "" {
		t.Fatalf("degraded before the outage: %s", s.Degraded())
	}
	srv.Stop()
	calls := map[string]error{}
	_, calls["Get"] = s.Approvals().Get(ctx, "x")
	_, calls["FindOpen"] = s.Approvals().FindOpen(ctx, interceptors.WriteKey{})
	_, calls["List"] = s.Approvals().List(ctx)
	calls["Create"] = s.Approvals().Create(ctx, approval("x", "w", pending, exp), exp, 0)
	_, calls["Transition"] = s.Approvals().Transition(ctx, pending, approval("x", "w", approved, exp), exp)
	_, calls["MarkUsed"] = s.UsedTokens().MarkUsed(ctx, "j", exp)
	calls["Release"] = s.UsedTokens().Release(ctx, "j")
	for name, err := range calls {
		if !errors.Is(err, redisstore.ErrUnavailable) {
			t.Errorf("%s with Redis down: %v, want ErrUnavailable", name, err)
		}
	}
	if s.Degraded() == "" {
		t.Fatal("health not degraded while Redis is down")
	}
	srv.Restart()
	testkit.Until(t, "recovery", func() bool { return s.Ping(ctx) == nil })
	if err := s.Approvals().Create(ctx, approval("y", "w", pending, exp), exp, 0); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if s.Degraded() != "" {
		t.Fatalf("still degraded after recovery: %s", s.Degraded())
	}
}
