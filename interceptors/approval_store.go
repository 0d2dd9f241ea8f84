package interceptors

import (
	"context"
	"errors"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// ErrApprovalNotFound is returned by ApprovalStore.Get for unknown (or purged) ids.
var ErrApprovalNotFound = errors.New("approval not found")

// ApprovalStore keeps approvals. Every operation is atomic on its own so that a shared
// implementation (Redis: a hash per approval, Transition as a Lua compare-and-set) can serve
// several replicas. Stored approvals never hold tokens: tokens are minted on demand.
// Implementations store and return copies.
type ApprovalStore interface {
	// Create stores a new approval; it is kept at least until retainUntil.
	Create(ctx context.Context, a *attiov1.Approval, retainUntil time.Time) error
	// Get returns the approval with id, or ErrApprovalNotFound.
	Get(ctx context.Context, id string) (*attiov1.Approval, error)
	// List returns the stored approvals (any state), in no particular order.
	List(ctx context.Context) ([]*attiov1.Approval, error)
	// Transition replaces approval next.Id if its state is still from, keeping it at least until
	// retainUntil. It reports false (and changes nothing) when the state differs: someone else
	// decided first.
	Transition(ctx context.Context, from attiov1.ApprovalState, next *attiov1.Approval, retainUntil time.Time) (bool, error)
}

// UsedTokenStore remembers consumed approval tokens (by jti) until they expire.
type UsedTokenStore interface {
	// MarkUsed records jti as used until expiry and reports whether this was its first use; a
	// shared implementation must make check-and-set one atomic step (Redis: SET NX with expiry).
	MarkUsed(ctx context.Context, jti string, expiry time.Time) (firstUse bool, err error)
}

// sweepEvery bounds how often the in-memory stores scan for expired entries.
const sweepEvery = time.Minute

type memoryEntry struct {
	a           *attiov1.Approval
	retainUntil time.Time
}

// MemoryApprovalStore is an in-process ApprovalStore; entries are purged after their retention.
type MemoryApprovalStore struct {
	now       func() time.Time
	mu        sync.Mutex
	entries   map[string]memoryEntry
	lastSweep time.Time
}

// NewMemoryApprovalStore returns an empty store using now (nil: time.Now) for expiry.
func NewMemoryApprovalStore(now func() time.Time) *MemoryApprovalStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryApprovalStore{now: now, entries: map[string]memoryEntry{}}
}

// sweep drops expired entries; callers hold mu.
func (s *MemoryApprovalStore) sweep() {
	now := s.now()
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	for id, e := range s.entries {
		if now.After(e.retainUntil) {
			delete(s.entries, id)
		}
	}
}

// Create implements ApprovalStore.
func (s *MemoryApprovalStore) Create(_ context.Context, a *attiov1.Approval, retainUntil time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if _, dup := s.entries[a.GetId()]; dup {
		return errors.New("approval id already exists")
	}
	s.entries[a.GetId()] = memoryEntry{a: proto.CloneOf(a), retainUntil: retainUntil}
	return nil
}

// Get implements ApprovalStore.
func (s *MemoryApprovalStore) Get(_ context.Context, id string) (*attiov1.Approval, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok || s.now().After(e.retainUntil) {
		return nil, ErrApprovalNotFound
	}
	return proto.CloneOf(e.a), nil
}

// List implements ApprovalStore.
func (s *MemoryApprovalStore) List(_ context.Context) ([]*attiov1.Approval, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	now := s.now()
	out := make([]*attiov1.Approval, 0, len(s.entries))
	for _, e := range s.entries {
		if !now.After(e.retainUntil) {
			out = append(out, proto.CloneOf(e.a))
		}
	}
	return out, nil
}

// Transition implements ApprovalStore.
func (s *MemoryApprovalStore) Transition(_ context.Context, from attiov1.ApprovalState, next *attiov1.Approval, retainUntil time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[next.GetId()]
	if !ok || s.now().After(e.retainUntil) {
		return false, ErrApprovalNotFound
	}
	if e.a.GetState() != from {
		return false, nil
	}
	s.entries[next.GetId()] = memoryEntry{a: proto.CloneOf(next), retainUntil: retainUntil}
	return true, nil
}

// MemoryUsedTokens is an in-process UsedTokenStore; ids are forgotten once their token expired
// (an expired token is refused before its id is checked).
type MemoryUsedTokens struct {
	now       func() time.Time
	mu        sync.Mutex
	used      map[string]time.Time
	lastSweep time.Time
}

// NewMemoryUsedTokens returns an empty store using now (nil: time.Now) for expiry.
func NewMemoryUsedTokens(now func() time.Time) *MemoryUsedTokens {
	if now == nil {
		now = time.Now
	}
	return &MemoryUsedTokens{now: now, used: map[string]time.Time{}}
}

// MarkUsed implements UsedTokenStore.
func (s *MemoryUsedTokens) MarkUsed(_ context.Context, jti string, expiry time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.Sub(s.lastSweep) >= sweepEvery {
		s.lastSweep = now
		for id, exp := range s.used {
			if now.After(exp) {
				delete(s.used, id)
			}
		}
	}
	if exp, ok := s.used[jti]; ok && !now.After(exp) {
		return false, nil
	}
	s.used[jti] = expiry
	return true, nil
}

// Len reports how many ids are remembered (for tests and metrics).
func (s *MemoryUsedTokens) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.used)
}
