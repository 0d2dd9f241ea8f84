// Package testkit holds what tests of several packages share: waiting on an observable condition
// and counting events in time windows.
package testkit

import (
	"testing"
	"time"
)

// HangGuard bounds every wait: only a real hang reaches it, never a slow machine.
const HangGuard = 5 * time.Minute

// pollEvery is how often Until checks a condition that has no channel to wait on. It decides
// nothing: the condition does.
const pollEvery = 5 * time.Millisecond

// Until waits until cond holds, checking it at once and then every few milliseconds; it fails
// the test (naming what) only if HangGuard passes first, or the test's context ends.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if cond() {
		return
	}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	guard := time.NewTimer(HangGuard)
	defer guard.Stop()
	for {
		select {
		case <-tick.C:
			if cond() {
				return
			}
		case <-guard.C:
			t.Fatalf("timed out after %s waiting for %s", HangGuard, what)
		case <-t.Context().Done():
			t.Fatalf("test ended while waiting for %s", what)
		}
	}
}
