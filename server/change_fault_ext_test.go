package server_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/internal/testkit"
	"github.com/attio-facade/attio-facade/sandbox"
)

// mixedWriter makes the test's writes of people: creates, updates and deletes, every twentieth
// through the facade with an approval (requested by sandbox-writer, approved by sandbox-approver),
// the others directly against the sandbox's HTTP API.
type mixedWriter struct {
	w         *watchHarness
	records   attiov1connect.RecordServiceClient
	approvals attiov1connect.ApprovalServiceClient
	rng       *rand.Rand
	live      []string
	created   []string

	creates, updates, deletes, viaFacade int
}

func (m *mixedWriter) write(ctx context.Context, i int) error {
	title := fmt.Sprintf("w%d", i)
	facade := i%20 == 0
	if facade {
		m.viaFacade++
	}
	switch r := m.rng.Float64(); {
	case len(m.live) < 10 || r < 0.3:
		m.creates++
		var id string
		if facade {
			err := m.approved(ctx, func(ctx context.Context) error {
				res, err := m.records.CreateRecord(ctx, &attiov1.CreateRecordRequest{Object: "people", Values: textInput(title)})
				id = res.GetRecord().GetId().GetRecordId()
				return err
			})
			if err != nil {
				return err
			}
		} else {
			rec, err := m.w.client.WriteRecordMessage(ctx, attio.RecordCreate, "people", "", "", attio.Values{"job_title": {attio.TextInput{Value: title}}})
			if err != nil {
				return err
			}
			id = rec.GetId().GetRecordId()
		}
		m.live, m.created = append(m.live, id), append(m.created, id)
	case r < 0.8:
		m.updates++
		id := m.live[m.rng.IntN(len(m.live))]
		if facade {
			return m.approved(ctx, func(ctx context.Context) error {
				_, err := m.records.UpdateRecord(ctx, &attiov1.UpdateRecordRequest{Object: "people", RecordId: id, Values: textInput(title), Mode: attiov1.UpdateMode_UPDATE_MODE_OVERWRITE})
				return err
			})
		}
		_, err := m.w.client.WriteRecordMessage(ctx, attio.RecordUpdate, "people", id, "", attio.Values{"job_title": {attio.TextInput{Value: title}}})
		return err
	default:
		m.deletes++
		k := m.rng.IntN(len(m.live))
		id := m.live[k]
		m.live = append(m.live[:k], m.live[k+1:]...)
		if facade {
			return m.approved(ctx, func(ctx context.Context) error {
				_, err := m.records.DeleteRecord(ctx, &attiov1.DeleteRecordRequest{Object: "people", RecordId: id})
				return err
			})
		}
		return m.w.client.DeleteRecord(ctx, "people", id)
	}
	return nil
}

// approved makes call as sandbox-writer, has sandbox-approver approve the approval it is refused
// with, and makes it again with the writer's token.
func (m *mixedWriter) approved(ctx context.Context, call func(context.Context) error) error {
	err := call(as(ctx, "sandbox-writer", ""))
	var ce *connect.Error
	if connect.CodeOf(err) != connect.CodeFailedPrecondition || !errors.As(err, &ce) || len(ce.Details()) != 1 {
		return fmt.Errorf("an unapproved write: %v", err)
	}
	d, err := connectproto.UnmarshalErrorDetail(ce.Details()[0])
	if err != nil {
		return err
	}
	id := d.(*attiov1.ApprovalRequired).GetApprovalId()
	if _, err := m.approvals.Approve(as(ctx, "sandbox-approver", ""), &attiov1.ApproveRequest{ApprovalId: id}); err != nil {
		return err
	}
	got, err := m.approvals.GetApproval(as(ctx, "sandbox-writer", ""), &attiov1.GetApprovalRequest{ApprovalId: id})
	if err != nil {
		return err
	}
	return call(as(ctx, "sandbox-writer", got.GetApproval().GetToken()))
}

func (m *mixedWriter) String() string {
	return fmt.Sprintf("writes: %d creates, %d updates, %d deletes (%d through the facade)", m.creates, m.updates, m.deletes, m.viaFacade)
}

// The fault test: with 10% of deliveries dropped, 10% duplicated and reordering on, a
// watcher that disconnects and resumes from its last token 5 times during 2,000 mixed writes
// (creates, updates, deletes; every twentieth through the facade with an approval, the others
// directly against the sandbox) sees every change of the log at least once and none twice, and,
// applying them in order, ends with the sandbox's exact state once reconciliation passes ran.
func TestWatchSurvivesLostDuplicatedReorderedDeliveriesAndResumes(t *testing.T) {
	t.Parallel()
	const writes, resumes = 2000, 5
	// Everything below ends by this deadline: a change that never comes fails with the figures
	// rather than hanging the suite.
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	w := newDeliveringHarness(t, sandbox.WebhookDelivery{Drop: 0.1, Duplicate: 0.1, Reorder: 0.1}, 15,
		watchConfig{approvals: true, heartbeat: 100 * time.Millisecond})
	rec, err := changes.NewReconciler(changes.ReconcileOptions{Client: w.client, Log: w.log, Objects: []string{"people"},
		Connections: func(context.Context) ([]string, error) { return []string{""}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	var passes changes.ReconcileStats
	pass := func() {
		st, err := rec.Pass(ctx)
		if err != nil {
			t.Errorf("reconciliation pass: %v", err)
		}
		passes.Created, passes.Updated, passes.Deleted, passes.Reported = passes.Created+st.Created, passes.Updated+st.Updated, passes.Deleted+st.Deleted, passes.Reported+st.Reported
	}
	pass() // the snapshot

	watcher := newResumingWatcher(w.changes(protocols[0]))
	started := make(chan string, 1)
	go watcher.run(ctx, started)
	var from uint64
	select {
	case <-started:
		if from, err = watcher.pos(); err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatalf("the watch did not start: %v", watcher.failed())
	}
	m := &mixedWriter{w: w, records: attiov1connect.NewRecordServiceClient(w.rpc(protocols[0])),
		approvals: attiov1connect.NewApprovalServiceClient(w.rpc(protocols[0])), rng: rand.New(rand.NewPCG(15, 15))}
	diag := func() string {
		// Its own deadline: it runs when the test's may have passed.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, head, _ := w.log.Read(dctx, changes.DefaultConnection, 0, 0)
		pos, _ := watcher.pos()
		return fmt.Sprintf("%v; sandbox deliveries %+v; log head %d, watcher at %d; %v; reconciled by passes %+v; %s",
			m, w.sb.Sandbox.WebhookStats(), head, pos, watcher, passes, sameState(dctx, w, watcher, m.created))
	}
	for i := range writes {
		if err := m.write(ctx, i); err != nil {
			t.Fatalf("write %d: %v; %s", i, err, diag())
		}
		if i%(writes/resumes) == writes/resumes/2 {
			if err := watcher.disconnect(ctx); err != nil {
				t.Fatalf("disconnect: %v; %s", err, diag())
			}
		}
		if i%500 == 499 {
			pass() // repairs during the writes too
		}
	}

	// Passes repair what the sandbox dropped: once its deliveries are all made and the watcher has
	// read the whole log, a pass if the watcher's state is not the sandbox's yet.
	testkit.Until(t, "the watcher's state to be the sandbox's", func() bool {
		if ctx.Err() != nil || watcher.failed() != nil {
			t.Fatalf("%v %v; %s", ctx.Err(), watcher.failed(), diag())
		}
		if !w.sb.Sandbox.WebhookIdle() {
			return false
		}
		_, head, err := w.log.Read(ctx, changes.DefaultConnection, 0, 0)
		if pos, perr := watcher.pos(); err != nil || perr != nil || pos < head {
			return false
		}
		if sameState(ctx, w, watcher, m.created) == "" {
			return true
		}
		pass()
		return false
	})

	// Every change the log holds after the watch's first token reached the watcher, once.
	es, _, err := w.log.Read(ctx, changes.DefaultConnection, from, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	watcher.mu.Lock()
	missed, dup, webhook, resumed := 0, watcher.dup, watcher.webhook, watcher.resumes
	for _, e := range es {
		if e.Event.Type != "record.updated" && e.Event.Type != "record.created" && e.Event.Type != "record.deleted" {
			continue
		}
		if !watcher.seen[e.Event.ID] {
			missed++
		}
	}
	watcher.mu.Unlock()
	st := w.sb.Sandbox.WebhookStats()
	if missed > 0 || dup > 0 || resumed != resumes || st.Dropped == 0 || st.Duplicated == 0 || st.Reordered == 0 ||
		st.QueueFull+st.Failed != 0 || webhook != st.Events-st.Dropped {
		t.Fatalf("%d changes of the log missed; want every delivered event once, no id twice, %d resumes, and the knobs at work: %s",
			missed, resumes, diag())
	}
	t.Logf("%s", diag())
}

// sameState is "" when the watcher holds exactly the sandbox's records among ids (the records the
// test created), else what differs.
func sameState(ctx context.Context, w *watchHarness, watcher *resumingWatcher, ids []string) string {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	truth := map[string]*attiov1.Record{}
	for offset := 0; ; offset += 500 {
		page, err := w.client.QueryRecordMessages(ctx, "people", attio.Query{Limit: 500, Offset: offset})
		if err != nil {
			return "reading the sandbox: " + err.Error()
		}
		for _, r := range page.Items {
			if want[r.GetId().GetRecordId()] {
				truth[r.GetId().GetRecordId()] = r
			}
		}
		if len(page.Items) < 500 {
			break
		}
	}
	watcher.mu.Lock()
	defer watcher.mu.Unlock()
	var differ []string
	for id := range want {
		got, held := watcher.records[id]
		cur, exists := truth[id]
		if held != exists || held && !proto.Equal(got, cur) {
			differ = append(differ, id)
		}
	}
	if len(differ) == 0 && len(watcher.records) == len(truth) {
		return ""
	}
	return fmt.Sprintf("the sandbox holds %d of the %d records created, the watcher %d; %d differ (e.g. %q)", len(truth), len(ids), len(watcher.records), len(differ), differ[:min(3, len(differ))])
}
