package e2e_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// TestRedisOutage: redis-server is killed during traffic. Writes and approvals get Unavailable and
// nothing is written upstream; reads go on at a third of the budget on each of the three
// replicas; the probes say degraded; after a restart everything works without restarting a
// facade.
func TestRedisOutage(t *testing.T) {
	c := newCluster(t, clusterOptions{replicas: 3, generate: 10})
	a, b := c.replicas[0], c.replicas[1]
	ids := somePeople(t, a, 2)
	token := approve(t, ids[0], a, b, a) // approved before the outage
	// Each replica has counted all three through the heartbeats.
	for _, p := range c.replicas {
		testkit.Until(t, p.name+" counting three live replicas", func() bool { return liveReplicas.MatchString(metrics(t, p)) })
	}

	c.redis.Stop()
	outage := time.Now()
	ctx := t.Context()
	del := func(p *proc, id, token string) error {
		_, err := records(p).DeleteRecord(as(ctx, tokenWriter, token), &attiov1.DeleteRecordRequest{Object: "people", RecordId: id})
		return err
	}
	if err := del(b, ids[0], token); connect.CodeOf(err) != connect.CodeUnavailable {
		t.Errorf("redeeming during the outage: %v, want Unavailable", err)
	}
	if err := del(b, ids[1], ""); connect.CodeOf(err) != connect.CodeUnavailable {
		t.Errorf("asking for an approval during the outage: %v, want Unavailable", err)
	}
	if _, err := approvals(b).ListApprovals(as(ctx, tokenApprover, ""), &attiov1.ListApprovalsRequest{}); connect.CodeOf(err) != connect.CodeUnavailable {
		t.Errorf("listing approvals during the outage: %v, want Unavailable", err)
	}
	// Reads go on, each replica at 1/3 of Maton's 10/s.
	const reads = 6
	for range reads {
		if _, err := records(a).GetRecord(as(ctx, tokenReader, ""), &attiov1.GetRecordRequest{Object: "people", RecordId: seedPerson}); err != nil {
			t.Fatalf("read during the outage: %v", err)
		}
	}
	var readTimes []time.Time
	for _, r := range c.requests() {
		if r.at.Before(outage) {
			continue
		}
		if r.method != http.MethodGet && r.method != http.MethodPost || strings.HasSuffix(r.path, "/records") {
			t.Errorf("upstream write during the outage: %s %s", r.method, r.path)
		}
		readTimes = append(readTimes, r.at)
	}
	if len(readTimes) != reads {
		t.Fatalf("sandbox saw %d requests during the outage, want the %d reads", len(readTimes), reads)
	}
	if span, least := readTimes[reads-1].Sub(readTimes[0]), time.Duration(reads-1)*300*time.Millisecond; span < least {
		t.Errorf("%d reads of one replica in %s: faster than a third of 10/s (at least %s)", reads, span, least)
	}
	if code, body := adminGet(t, a, "/healthz"); code != http.StatusOK || !strings.Contains(body, "degraded") {
		t.Errorf("/healthz during the outage: %d %q, want 200 and degraded", code, body)
	}

	c.redis.Restart()
	for _, p := range c.replicas {
		testkit.Until(t, p.name+" healthy again", func() bool {
			_, body := adminGet(t, p, "/healthz")
			return body == "ok\n"
		})
	}
	// The token approved before the outage was not spent by the refused redemption.
	// (Redis restarted empty, so the approval itself is gone: a fresh one works end to end.)
	token = approve(t, ids[1], b, c.replicas[2], a)
	if err := del(a, ids[1], token); err != nil {
		t.Fatalf("write after Redis came back: %v", err)
	}
	if n := c.deletesOf(ids[1]); n != 1 {
		t.Fatalf("sandbox saw %d deletes after recovery, want 1", n)
	}
}

var liveReplicas = regexp.MustCompile(`(?m)^facade_replicas_live(\{[^}]*\})? 3$`)

// metrics is a replica's /metrics text.
func metrics(t *testing.T, p *proc) string {
	_, body := adminGet(t, p, "/metrics")
	return body
}
