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

// ErrTooManyPending is returned by ApprovalStore.Create when the requester already has the
// maximum number of live pending approvals.
var ErrTooManyPending = errors.New("too many pending approvals")

// WriteKey names one exact write of one requester on one connection: the index a retried write
// finds its open approval by, without scanning the store.
type WriteKey struct {
	Requester, Procedure, Connection, Digest string
}

func writeKeyOf(a *attiov1.Approval) WriteKey {
	return WriteKey{Requester: a.GetRequester(), Procedure: a.GetProcedure(), Connection: a.GetConnection(), Digest: a.GetRequestDigest()}
}

// isOpen reports a pending or approved approval before its expiry: one that may still run.
func isOpen(a *attiov1.Approval, now time.Time) bool {
	st := a.GetState()
	return (st == attiov1.ApprovalState_APPROVAL_STATE_PENDING || st == attiov1.ApprovalState_APPROVAL_STATE_APPROVED) &&
		now.Before(a.GetExpiresAt().AsTime())
}

// ApprovalStore keeps approvals. Every operation is atomic on its own so that a shared
// implementation (Redis: a hash per approval, Transition as a Lua compare-and-set) can serve
// several replicas. Stored approvals never hold tokens: tokens are minted on demand.
// Implementations store and return copies.
type ApprovalStore interface {
	// Create stores a new approval; it is kept at least until retainUntil. With maxPending > 0, it
	// stores nothing and fails with ErrTooManyPending when a.Requester already has maxPending live
	// pending approvals (one atomic step with the insert: Redis, a Lua script over a per-requester set).
	Create(ctx context.Context, a *attiov1.Approval, retainUntil time.Time, maxPending int) error
	// Get returns the approval with id, or ErrApprovalNotFound.
	Get(ctx context.Context, id string) (*attiov1.Approval, error)
	// FindOpen returns the open (pending or approved, unexpired) approval of exactly this write, or
	// nil. It is an index lookup (Redis: a key per WriteKey), never a scan: every write asks it.
	FindOpen(ctx context.Context, key WriteKey) (*attiov1.Approval, error)
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
	// Release forgets jti again: its write provably never reached Attio, so the token stays good.
	Release(ctx context.Context, jti string) error
}

// sweepEvery bounds how often the in-memory stores scan for expired entries.
const sweepEvery = time.Minute

type memoryEntry struct {
	a           *attiov1.Approval
	retainUntil time.Time
}

// MemoryApprovalStore is an in-process ApprovalStore; entries are purged after their retention.
// Besides the entries by id it keeps two indexes, so a write costs O(1) plus O(its requester's
// pending approvals), however many approvals are stored: the open approval of each WriteKey, and
// the ids of each requester's pending approvals.
type MemoryApprovalStore struct {
	now       func() time.Time
	mu        sync.Mutex
	entries   map[string]memoryEntry
	open      map[WriteKey]string
	pending   map[string]map[string]struct{} // requester -> ids, pruned as they are decided or expire
	lastSweep time.Time
	// lookups counts entries read to answer FindOpen and Create, for tests that prove no scan.
	lookups int
}

// NewMemoryApprovalStore returns an empty store using now (nil: time.Now) for expiry.
func NewMemoryApprovalStore(now func() time.Time) *MemoryApprovalStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryApprovalStore{now: now, entries: map[string]memoryEntry{}, open: map[WriteKey]string{},
		pending: map[string]map[string]struct{}{}}
}

// sweep drops expired entries; callers hold mu. It runs at most once a minute (amortised O(1)).
func (s *MemoryApprovalStore) sweep() {
	now := s.now()
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	for id, e := range s.entries {
		if now.After(e.retainUntil) {
			delete(s.entries, id)
			s.unindex(e.a)
		}
	}
}

// unindex drops a's index entries; callers hold mu.
func (s *MemoryApprovalStore) unindex(a *attiov1.Approval) {
	k := writeKeyOf(a)
	if s.open[k] == a.GetId() {
		delete(s.open, k)
	}
	if ids := s.pending[a.GetRequester()]; ids != nil {
		delete(ids, a.GetId())
		if len(ids) == 0 {
			delete(s.pending, a.GetRequester())
		}
	}
}

// reindex records a's index entries for its current state; callers hold mu.
func (s *MemoryApprovalStore) reindex(a *attiov1.Approval) {
	s.unindex(a)
	now := s.now()
	if !isOpen(a, now) {
		return
	}
	s.open[writeKeyOf(a)] = a.GetId()
	if a.GetState() == attiov1.ApprovalState_APPROVAL_STATE_PENDING {
		ids := s.pending[a.GetRequester()]
		if ids == nil {
			ids = map[string]struct{}{}
			s.pending[a.GetRequester()] = ids
		}
		ids[a.GetId()] = struct{}{}
	}
}

// pendingCount counts requester's live pending approvals, pruning the ones no longer pending;
// callers hold mu.
func (s *MemoryApprovalStore) pendingCount(requester string) int {
	now := s.now()
	ids := s.pending[requester]
	for id := range ids {
		s.lookups++
		if e, ok := s.entries[id]; !ok || !isOpen(e.a, now) || e.a.GetState() != attiov1.ApprovalState_APPROVAL_STATE_PENDING {
			delete(ids, id)
		}
	}
	return len(ids)
}

// Create implements ApprovalStore.
func (s *MemoryApprovalStore) Create(_ context.Context, a *attiov1.Approval, retainUntil time.Time, maxPending int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if _, dup := s.entries[a.GetId()]; dup {
		return errors.New("approval id already exists")
	}
	if maxPending > 0 && a.GetState() == attiov1.ApprovalState_APPROVAL_STATE_PENDING && s.pendingCount(a.GetRequester()) >= maxPending {
		return ErrTooManyPending
	}
	c := proto.CloneOf(a)
	s.entries[a.GetId()] = memoryEntry{a: c, retainUntil: retainUntil}
	s.reindex(c)
	return nil
}

// FindOpen implements ApprovalStore.
func (s *MemoryApprovalStore) FindOpen(_ context.Context, key WriteKey) (*attiov1.Approval, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.open[key]
	if !ok {
		return nil, nil
	}
	s.lookups++
	e, ok := s.entries[id]
	if !ok || !isOpen(e.a, s.now()) {
		delete(s.open, key)
		return nil, nil
	}
	return proto.CloneOf(e.a), nil
}

// Lookups reports how many stored entries FindOpen and Create have read in total (tests use it to
// show a write's cost does not grow with the number of stored approvals).
func (s *MemoryApprovalStore) Lookups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookups
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
	c := proto.CloneOf(next)
	s.entries[next.GetId()] = memoryEntry{a: c, retainUntil: retainUntil}
	s.reindex(c)
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

// Release implements UsedTokenStore.
func (s *MemoryUsedTokens) Release(_ context.Context, jti string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.used, jti)
	return nil
}

// Len reports how many ids are remembered (for tests and metrics).
func (s *MemoryUsedTokens) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.used)
}
