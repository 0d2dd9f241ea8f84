package server_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

// lateRT forwards to a transport set once the facade listens: the sandbox is built first.
type lateRT struct {
	rt atomic.Pointer[http.RoundTripper]
}

func (l *lateRT) RoundTrip(r *http.Request) (*http.Response, error) {
	return (*l.rt.Load()).RoundTrip(r)
}

// newDeliveringHarness is a watch harness whose sandbox delivers its webhooks, with knobs, to the
// facade's endpoint: one webhook of the default connection, subscribed to people's record events.
func newDeliveringHarness(t testing.TB, knobs sandbox.WebhookDelivery, seed uint64, cfg watchConfig) *watchHarness {
	t.Helper()
	rt := &lateRT{}
	cfg.sandbox = append(cfg.sandbox, sandbox.WithRandomSeed(seed), sandbox.WithWebhookDelivery(knobs), sandbox.WithWebhookTransport(rt))
	w := newWatchHarness(t, cfg)
	tr := w.srv.Client().Transport
	rt.rt.Store(&tr)
	var subs []attio.WebhookSubscriptionInput
	for _, typ := range []string{"record.created", "record.updated", "record.deleted"} {
		subs = append(subs, attio.WebhookSubscriptionInput{EventType: typ})
	}
	hook, err := w.client.CreateWebhook(context.Background(), attio.WebhookInput{TargetURL: w.srv.URL + "/webhooks/attio/default", Subscriptions: subs})
	if err != nil || hook.Secret == "" {
		t.Fatalf("webhook: %+v, %v", hook, err)
	}
	w.secret.Store(&hook.Secret)
	return w
}

func textInput(s string) map[string]*attiov1.ValueInputList {
	return map[string]*attiov1.ValueInputList{"job_title": {Values: []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Text{Text: s}}}}}
}

// peopleWriter writes people through the facade (even calls) or directly against the sandbox
// (odd ones), as Attio sees writes from the facade's callers and from anyone else.
type peopleWriter struct {
	t       testing.TB
	records attiov1connect.RecordServiceClient
	direct  *attio.Client
	n       int
}

func (p *peopleWriter) viaFacade() bool { p.n++; return p.n%2 == 0 }

func (p *peopleWriter) create(title string) string {
	if p.viaFacade() {
		r, err := p.records.CreateRecord(caller("sandbox-writer"), &attiov1.CreateRecordRequest{Object: "people", Values: textInput(title)})
		if err != nil {
			p.t.Error(err)
		}
		return r.GetRecord().GetId().GetRecordId()
	}
	r, err := p.direct.WriteRecordMessage(context.Background(), attio.RecordCreate, "people", "", "", attio.Values{"job_title": {attio.TextInput{Value: title}}})
	if err != nil {
		p.t.Error(err)
	}
	return r.GetId().GetRecordId()
}

func (p *peopleWriter) update(id, title string) {
	var err error
	if p.viaFacade() {
		_, err = p.records.UpdateRecord(caller("sandbox-writer"), &attiov1.UpdateRecordRequest{Object: "people", RecordId: id, Values: textInput(title), Mode: attiov1.UpdateMode_UPDATE_MODE_OVERWRITE})
	} else {
		_, err = p.direct.WriteRecordMessage(context.Background(), attio.RecordUpdate, "people", id, "", attio.Values{"job_title": {attio.TextInput{Value: title}}})
	}
	if err != nil {
		p.t.Error(err)
	}
}

func (p *peopleWriter) remove(id string) {
	var err error
	if p.viaFacade() {
		_, err = p.records.DeleteRecord(caller("sandbox-writer"), &attiov1.DeleteRecordRequest{Object: "people", RecordId: id})
	} else {
		err = p.direct.DeleteRecord(context.Background(), "people", id)
	}
	if err != nil {
		p.t.Error(err)
	}
}

func newPeopleWriter(t testing.TB, w *watchHarness) *peopleWriter {
	return &peopleWriter{t: t, records: attiov1connect.NewRecordServiceClient(w.rpc(protocols[0])), direct: w.client}
}

// Writes made through the facade and directly against the sandbox reach a WatchRecords caller as
// typed changes, in order, through the sandbox's signed deliveries.
func TestWatchEndToEndTypedChanges(t *testing.T) {
	t.Parallel()
	w := newDeliveringHarness(t, sandbox.WebhookDelivery{}, 1, watchConfig{})
	s, _ := watching(t, w.changes(protocols[0]), &attiov1.WatchRecordsRequest{Object: "people"})
	p := newPeopleWriter(t, w)
	id := p.create("Engineer") // directly
	p.update(id, "Manager")    // through the facade
	p.update(id, "Director")   // directly
	p.remove(id)               // through the facade
	want := []attiov1.ChangeKind{attiov1.ChangeKind_CHANGE_KIND_CREATED, attiov1.ChangeKind_CHANGE_KIND_UPDATED, attiov1.ChangeKind_CHANGE_KIND_UPDATED, attiov1.ChangeKind_CHANGE_KIND_DELETED}
	for i, k := range want {
		c := nextChange(t, s)
		if c.GetKind() != k || c.GetId().GetRecordId() != id || c.GetActor().GetType() != attiov1.ActorType_ACTOR_TYPE_API_TOKEN || c.GetReconciled() {
			t.Fatalf("change %d: %v, want %v of %s by the API token", i, c, k, id)
		}
		if k == attiov1.ChangeKind_CHANGE_KIND_UPDATED && c.GetAttributeId() == "" {
			t.Fatalf("update without the attribute Attio named: %v", c)
		}
	}
}
