package interceptors_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine an interceptor starts (detached JWKS fetches, servers of the tests) must be gone
// when the tests end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
