package main

import (
	"strings"
	"testing"
)

// Replicas that share approvals must share the token secret: --redis-url without it is refused at
// start, and the URL's password never reaches the message.
func TestRedisURLNeedsApprovalSecret(t *testing.T) {
	t.Parallel()
	r := cli(t, "", []string{"ATTIO_FACADE_ADDR=127.0.0.1:0", "ATTIO_FACADE_ADMIN_ADDR=",
		"ATTIO_FACADE_REDIS_URL=redis://:pw-secret-9@127.0.0.1:1/0"}, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, "ATTIO_FACADE_APPROVAL_SECRET") || strings.Contains(r.stderr, "pw-secret-9") {
		t.Errorf("exit %d, %q", r.code, r.stderr)
	}
}
