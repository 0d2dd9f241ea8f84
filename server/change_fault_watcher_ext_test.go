package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// resumingWatcher watches people and applies every change in order to its copy of the records,
// as a consumer does: created, updated and merged put the record the change carries (a record
// deleted before it was fetched comes without one: its delete follows), deleted removes it. It
// dedupes by change id. Told to disconnect, it drops its stream mid-flight and watches again
// from the token of the last message it received.
type resumingWatcher struct {
	client attiov1connect.ChangeServiceClient
	resume chan struct{} // a value: disconnect and resume

	mu                       sync.Mutex
	token                    string
	records                  map[string]*attiov1.Record
	seen                     map[string]bool // change ids
	webhook, reconciled, dup int             // changes received (dup: an id seen before)
	resumes                  int
	err                      error // how the watch ended, other than by a resume
}

func newResumingWatcher(c attiov1connect.ChangeServiceClient) *resumingWatcher {
	return &resumingWatcher{client: c, resume: make(chan struct{}), records: map[string]*attiov1.Record{}, seen: map[string]bool{}}
}

// run watches until ctx ends or the watch fails; started reports the first token.
func (w *resumingWatcher) run(ctx context.Context, started chan<- string) {
	for ctx.Err() == nil {
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			select {
			case <-w.resume:
				w.mu.Lock()
				w.resumes++
				w.mu.Unlock()
			case <-sctx.Done():
			}
			cancel()
			close(done)
		}()
		err := w.session(sctx, started)
		started = nil
		cancel()
		<-done
		if err != nil && ctx.Err() == nil && connect.CodeOf(err) != connect.CodeCanceled {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
			return
		}
	}
}

func (w *resumingWatcher) session(ctx context.Context, started chan<- string) error {
	w.mu.Lock()
	since := w.token
	w.mu.Unlock()
	s, err := w.client.WatchRecords(as(ctx, "sandbox-reader", ""), &attiov1.WatchRecordsRequest{Object: "people", ResumeToken: since})
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		m, err := s.Receive()
		if err != nil {
			if ctx.Err() != nil {
				return nil // told to resume, or the test ends
			}
			return err
		}
		w.apply(m)
		if started != nil {
			started <- m.GetHeartbeat().GetChangeToken()
			started = nil
		}
	}
}

func (w *resumingWatcher) apply(m *attiov1.WatchRecordsResponse) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if hb := m.GetHeartbeat(); hb != nil {
		w.token = hb.GetChangeToken()
		return
	}
	c := m.GetChange()
	w.token = c.GetChangeToken()
	if w.seen[c.GetChangeId()] {
		w.dup++
		return
	}
	w.seen[c.GetChangeId()] = true
	if c.GetReconciled() {
		w.reconciled++
	} else {
		w.webhook++
	}
	id := c.GetId().GetRecordId()
	switch {
	case c.GetKind() == attiov1.ChangeKind_CHANGE_KIND_DELETED:
		delete(w.records, id)
	case c.GetRecord() != nil:
		w.records[id] = c.GetRecord()
	}
	if c.GetKind() == attiov1.ChangeKind_CHANGE_KIND_MERGED {
		delete(w.records, c.GetMergedId().GetRecordId())
	}
}

// disconnect drops the current stream; run watches again from the last token.
func (w *resumingWatcher) disconnect(ctx context.Context) error {
	select {
	case w.resume <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pos is the log position of the last token received.
func (w *resumingWatcher) pos() (uint64, error) {
	w.mu.Lock()
	token := w.token
	w.mu.Unlock()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, err
	}
	var t struct {
		P string `json:"p"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return 0, err
	}
	return strconv.ParseUint(t.P, 10, 64)
}

func (w *resumingWatcher) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return fmt.Errorf("the watch ended: %w", w.err)
	}
	return nil
}

func (w *resumingWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("watcher: %d changes from webhooks, %d reconciled, %d duplicate ids, %d resumes, holds %d records, err %v",
		w.webhook, w.reconciled, w.dup, w.resumes, len(w.records), w.err)
}
