package interceptors

import (
	"context"
	"sync"
	"time"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// changeFeed tells watchers that this process changed an approval. ApprovalStore has no change
// feed of its own (Redis would need keyspace notifications, which managed Redis often disables),
// so watchers also poll the store: the feed only makes this replica's own changes immediate.
type changeFeed struct {
	mu sync.Mutex
	ch chan struct{} // closed at the next change, then replaced
}

func newChangeFeed() *changeFeed { return &changeFeed{ch: make(chan struct{})} }

// next returns a channel closed at the next change.
func (f *changeFeed) next() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ch
}

func (f *changeFeed) fire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.ch)
	f.ch = make(chan struct{})
}

// notifyingStore fires the feed after every change the store accepted.
type notifyingStore struct {
	ApprovalStore
	feed *changeFeed
}

func (s notifyingStore) Create(ctx context.Context, a *attiov1.Approval, retainUntil time.Time, maxPending int) error {
	err := s.ApprovalStore.Create(ctx, a, retainUntil, maxPending)
	if err == nil {
		s.feed.fire()
	}
	return err
}

func (s notifyingStore) Transition(ctx context.Context, from attiov1.ApprovalState, next *attiov1.Approval, retainUntil time.Time) (bool, error) {
	ok, err := s.ApprovalStore.Transition(ctx, from, next, retainUntil)
	if ok && err == nil {
		s.feed.fire()
	}
	return ok, err
}

// Changed returns a channel closed when this process next creates or decides an approval (or a
// write uses one). Changes by other replicas sharing the store are not announced: poll List too.
func (a *Approvals) Changed() <-chan struct{} { return a.feed.next() }
