package interceptors_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// ---- shared fixtures ----

// testClock is a settable clock shared by the authenticator, approvals and stores.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// auditLines decodes the JSON audit lines in b.
func auditLines(t *testing.T, b *testkit.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// fakeRecords counts the writes that reached the handler: the proof that refused writes did not happen.
type fakeRecords struct {
	attiov1connect.UnimplementedRecordServiceHandler
	creates, deletes, gets atomic.Int32
	mu                     sync.Mutex
	lastDeleted            string
}

func (f *fakeRecords) GetRecord(_ context.Context, req *attiov1.GetRecordRequest) (*attiov1.GetRecordResponse, error) {
	f.gets.Add(1)
	return &attiov1.GetRecordResponse{Record: &attiov1.Record{Id: &attiov1.RecordId{RecordId: req.GetRecordId()}}}, nil
}

func (f *fakeRecords) CreateRecord(_ context.Context, req *attiov1.CreateRecordRequest) (*attiov1.CreateRecordResponse, error) {
	f.creates.Add(1)
	return &attiov1.CreateRecordResponse{Record: &attiov1.Record{Id: &attiov1.RecordId{RecordId: "new"}}}, nil
}

func (f *fakeRecords) DeleteRecord(ctx context.Context, req *attiov1.DeleteRecordRequest) (*attiov1.DeleteRecordResponse, error) {
	if interceptors.PrincipalFrom(ctx) == nil {
		return nil, connect.NewError(connect.CodeInternal, "no principal")
	}
	f.deletes.Add(1)
	f.mu.Lock()
	f.lastDeleted = req.GetRecordId()
	f.mu.Unlock()
	return &attiov1.DeleteRecordResponse{}, nil
}

// jwksServer serves a rotatable key set and counts fetches. It can hold fetches until released
// and answer a number of them with 503.
type jwksServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	keys     map[string]*ecdsa.PrivateKey
	served   []string
	gate     chan struct{} // non-nil: fetches wait until it is closed
	fetches  atomic.Int32
	failures atomic.Int32 // fetches still to fail
}

func newJWKS(t testing.TB, kids ...string) *jwksServer {
	t.Helper()
	j := &jwksServer{keys: map[string]*ecdsa.PrivateKey{}}
	for _, kid := range kids {
		j.addKey(t, kid, true)
	}
	j.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j.fetches.Add(1)
		j.mu.Lock()
		gate := j.gate
		j.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		if j.takeFailure() {
			http.Error(w, "identity provider down", http.StatusServiceUnavailable)
			return
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		var set jose.JSONWebKeySet
		for _, kid := range j.served {
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: &j.keys[kid].PublicKey, KeyID: kid, Algorithm: "ES256", Use: "sig"})
		}
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(j.srv.Close)
	return j
}

// hold makes fetches wait until release is called.
func (j *jwksServer) hold() (release func()) {
	gate := make(chan struct{})
	j.mu.Lock()
	j.gate = gate
	j.mu.Unlock()
	return sync.OnceFunc(func() { close(gate) })
}

func (j *jwksServer) takeFailure() bool {
	for {
		n := j.failures.Load()
		if n <= 0 {
			return false
		}
		if j.failures.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// addKey creates a signing key; published controls whether the JWKS serves it yet.
func (j *jwksServer) addKey(t testing.TB, kid string, published bool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.keys[kid] = k
	if published {
		j.served = append(j.served, kid)
	}
}

func (j *jwksServer) publish(kid string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.served = append(j.served, kid)
}

type tokenClaims struct {
	jwt.Claims
	Scope any `json:"scope,omitempty"`
}

func (j *jwksServer) sign(t testing.TB, kid string, c tokenClaims) string {
	t.Helper()
	j.mu.Lock()
	key := j.keys[kid]
	j.mu.Unlock()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(sig).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func goodClaims(now time.Time, sub string, scope any) tokenClaims {
	return tokenClaims{
		Claims: jwt.Claims{
			Issuer: "https://idp.test/", Audience: jwt.Audience{"attio-facade"}, Subject: sub,
			IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Hour)),
		},
		Scope: scope,
	}
}
