package interceptors_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/interceptors"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

const (
	recordA = "8f0c7a2e-3b1d-4c5e-9f6a-1b2c3d4e5f60"
	recordB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	connA   = "11111111-1111-4111-8111-111111111111"
	connB   = "22222222-2222-4222-8222-222222222222"
)

// The API keys of the test configuration (clear text only here; the config holds hashes).
var testKeys = map[string]interceptors.APIKeyConfig{
	"key-reader":     {Name: "reader", Scopes: []interceptors.Scope{"read"}},
	"key-writer":     {Name: "writer", Scopes: []interceptors.Scope{"read", "write"}},
	"key-writer2":    {Name: "writer2", Scopes: []interceptors.Scope{"read", "write"}},
	"key-approver":   {Name: "approver", Scopes: []interceptors.Scope{"read", "approve"}},
	"key-approver-a": {Name: "approver-a", Scopes: []interceptors.Scope{"read", "approve"}, Connections: []string{connA}},
	"key-lead":       {Name: "lead", Scopes: []interceptors.Scope{"read", "write", "approve"}},
	"key-admin":      {Name: "admin", Scopes: []interceptors.Scope{"read", "write", "approve", "admin"}},
	"key-etl":        {Name: "etl", Scopes: []interceptors.Scope{"read", "write"}, AutoApprove: true},
	"key-purger":     {Name: "purger", Scopes: []interceptors.Scope{"read", "write"}, AutoApprove: true, AutoApproveDeletes: true},
	"key-conn-a":     {Name: "conn-a-only", Scopes: []interceptors.Scope{"read", "write"}, Connections: []string{connA}},
}

const testSecret = "0123456789abcdef0123456789abcdef-test-secret"

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

func testConfig(jwks *jwksServer) *interceptors.AuthConfig {
	cfg := &interceptors.AuthConfig{}
	for key, c := range testKeys {
		c.SHA256 = hashKey(key)
		cfg.APIKeys = append(cfg.APIKeys, c)
	}
	if jwks != nil {
		cfg.JWT = &interceptors.JWTConfig{JWKSURL: jwks.srv.URL, Issuer: "https://idp.test/", Audience: "attio-facade"}
	}
	return cfg
}

// env is one facade-like server: authenticator and approvals in front of fake handlers.
type env struct {
	clock     *testClock
	audit     *testkit.Buffer
	records   *fakeRecords
	approvals *interceptors.Approvals
	auth      *interceptors.Authenticator
	client    *connect.Client
	url       string          // the server's base URL, for raw HTTP calls
	grpc      *connect.Client // the same server over the gRPC protocol (h2c)
	jwks      *jwksServer
}

type envOptions struct {
	jwks          *jwksServer
	selfApproval  bool
	sandbox       bool
	ttl           time.Duration
	describer     interceptors.Describer
	used          interceptors.UsedTokenStore
	chain         bool // compose with interceptors.Chain (adds recovery and validation)
	jwtMaxLife    time.Duration
	fetchTimeout  time.Duration // the JWKS fetch timeout of the auth file
	extraHandlers func(*connect.Server)
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{clock: newClock(), audit: &testkit.Buffer{}, records: &fakeRecords{}, jwks: o.jwks}
	auditLog := interceptors.NewAuditLog(slog.New(slog.NewJSONHandler(e.audit, nil)))
	var cfg *interceptors.AuthConfig
	if !o.sandbox {
		cfg = testConfig(o.jwks)
	}
	if o.fetchTimeout > 0 {
		cfg.JWT.FetchTimeout = interceptors.Duration(o.fetchTimeout)
	}
	auth, err := interceptors.NewAuthenticator(cfg, interceptors.AuthenticatorOptions{
		Sandbox: o.sandbox, Now: e.clock.Now, Audit: auditLog, JWTMaxLifetime: o.jwtMaxLife,
	})
	if err != nil {
		t.Fatal(err)
	}
	opts := cfg.ApprovalOptions()
	opts.Secret, opts.Audit, opts.Now, opts.AllowSelfApproval, opts.Describer = []byte(testSecret), auditLog, e.clock.Now, o.selfApproval, o.describer
	opts.UsedTokens = o.used
	if o.ttl > 0 {
		opts.TTL = o.ttl
	}
	approvals, err := interceptors.NewApprovals(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.auth, e.approvals = auth, approvals
	ics := []connect.ServerInterceptor{auth.Interceptor(), approvals.Interceptor()}
	if o.chain {
		ics = interceptors.Chain(interceptors.ChainConfig{
			Logger: slog.New(slog.DiscardHandler), Auth: auth.Interceptor(), Approvals: approvals.Interceptor(),
		})
	}
	srv := connect.NewServer(ics...)
	attiov1connect.RegisterRecordServiceHandler(srv, e.records)
	attiov1connect.RegisterWebhookServiceHandler(srv, attiov1connect.UnimplementedWebhookServiceHandler{})
	if o.extraHandlers != nil {
		o.extraHandlers(srv)
	}
	mux := http.NewServeMux()
	connecthttp.Mount(mux, srv)
	hs := httptest.NewUnstartedServer(mux)
	hs.Config.Protocols = new(http.Protocols)
	hs.Config.Protocols.SetHTTP1(true)
	hs.Config.Protocols.SetUnencryptedHTTP2(true)
	hs.Start()
	t.Cleanup(hs.Close)
	e.url = hs.URL
	e.client = connect.NewClient(connecthttp.NewTransport(hs.Client(), hs.URL))
	h2c := &http.Transport{Protocols: new(http.Protocols)}
	h2c.Protocols.SetUnencryptedHTTP2(true)
	t.Cleanup(h2c.CloseIdleConnections)
	e.grpc = connect.NewClient(connecthttp.NewTransport(&http.Client{Transport: h2c}, hs.URL, connecthttp.WithGRPC()))
	return e
}

func (e *env) rec() attiov1connect.RecordServiceClient {
	return attiov1connect.NewRecordServiceClient(e.client)
}

// callCtx sets the request headers of one call; empty values are left out.
func callCtx(ctx context.Context, token, conn, approval string) context.Context {
	ctx, info := connect.NewClientContext(ctx)
	if token != "" {
		info.RequestHeader().Set("Authorization", "Bearer "+token)
	}
	if conn != "" {
		info.RequestHeader().Set("Maton-Connection", conn)
	}
	if approval != "" {
		info.RequestHeader().Set("Attio-Approval", approval)
	}
	return ctx
}

func codeOf(err error) connect.Code {
	if err == nil {
		return 0
	}
	return connect.CodeOf(err)
}

// ---- tests ----

func TestAuthentication(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	jwks.addKey(t, "unpublished", false)
	e := newEnv(t, envOptions{jwks: jwks})
	now := e.clock.Now()
	expired := goodClaims(now.Add(-3*time.Hour), "alice", "read")
	wrongIss := goodClaims(now, "alice", "read")
	wrongIss.Issuer = "https://evil.test/"
	wrongAud := goodClaims(now, "alice", "read")
	wrongAud.Audience = jwt.Audience{"someone-else"}
	noExp := goodClaims(now, "alice", "read")
	noExp.Expiry = nil
	noIat := goodClaims(now, "alice", "read")
	noIat.IssuedAt = nil
	longest := goodClaims(now.Add(-time.Hour), "alice", "read")
	longest.Expiry = jwt.NewNumericDate(now.Add(23 * time.Hour))
	tooLong := goodClaims(now.Add(-time.Hour), "alice", "read")
	tooLong.Expiry = jwt.NewNumericDate(now.Add(23*time.Hour + time.Second))
	hsSigner, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(testSecret)}, nil)
	hsToken, _ := jwt.Signed(hsSigner).Claims(goodClaims(now, "alice", "read")).Serialize()

	tests := []struct {
		name   string
		header string // full Authorization header; "" = none
		want   connect.Code
	}{
		{"no header", "", connect.CodeUnauthenticated},
		{"basic scheme", "Basic a2V5LXJlYWRlcjo=", connect.CodeUnauthenticated},
		{"empty bearer", "Bearer ", connect.CodeUnauthenticated},
		{"bad key", "Bearer key-nope", connect.CodeUnauthenticated},
		{"good key", "Bearer key-reader", 0},
		{"good key, lowercase scheme", "bearer key-reader", 0},
		{"sandbox token outside sandbox", "Bearer sandbox-admin", connect.CodeUnauthenticated},
		{"jwt good", "Bearer " + jwks.sign(t, "k1", goodClaims(now, "alice", "read write")), 0},
		{"jwt good, array scopes claim", "Bearer " + jwks.sign(t, "k1", goodClaims(now, "alice", []string{"write", "read"})), 0},
		{"jwt without scopes", "Bearer " + jwks.sign(t, "k1", goodClaims(now, "alice", "")), connect.CodePermissionDenied},
		{"jwt expired", "Bearer " + jwks.sign(t, "k1", expired), connect.CodeUnauthenticated},
		{"jwt without exp", "Bearer " + jwks.sign(t, "k1", noExp), connect.CodeUnauthenticated},
		{"jwt without iat", "Bearer " + jwks.sign(t, "k1", noIat), connect.CodeUnauthenticated},
		{"jwt lifetime at the 24h default", "Bearer " + jwks.sign(t, "k1", longest), 0},
		{"jwt lifetime over the 24h default", "Bearer " + jwks.sign(t, "k1", tooLong), connect.CodeUnauthenticated},
		{"jwt wrong issuer", "Bearer " + jwks.sign(t, "k1", wrongIss), connect.CodeUnauthenticated},
		{"jwt wrong audience", "Bearer " + jwks.sign(t, "k1", wrongAud), connect.CodeUnauthenticated},
		{"jwt unknown kid", "Bearer " + jwks.sign(t, "unpublished", goodClaims(now, "alice", "read")), connect.CodeUnauthenticated},
		{"jwt hs256 (alg confusion)", "Bearer " + hsToken, connect.CodeUnauthenticated},
		{"jwt garbage", "Bearer a.b.c", connect.CodeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, info := connect.NewClientContext(t.Context())
			if tt.header != "" {
				info.RequestHeader().Set("Authorization", tt.header)
			}
			_, err := e.rec().GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: recordA})
			if got := codeOf(err); got != tt.want {
				t.Fatalf("code = %v, want %v (err %v)", got, tt.want, err)
			}
			if token, _ := strings.CutPrefix(tt.header, "Bearer "); err != nil && len(token) > 3 && strings.Contains(err.Error(), token) {
				t.Fatalf("error echoes the token: %v", err)
			}
		})
	}
}

// The maximum lifetime is configurable (--jwt-max-lifetime): a 1h token is refused under a 30m
// maximum, a 30m one accepted.
func TestJWTMaxLifetime(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	e := newEnv(t, envOptions{jwks: jwks, jwtMaxLife: 30 * time.Minute})
	now := e.clock.Now()
	short := goodClaims(now, "alice", "read")
	short.Expiry = jwt.NewNumericDate(now.Add(30 * time.Minute))
	for _, tt := range []struct {
		name   string
		claims tokenClaims
		want   connect.Code
	}{
		{"1h token", goodClaims(now, "alice", "read"), connect.CodeUnauthenticated},
		{"30m token", short, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := codeOf(e.get(recordA)(callCtx(t.Context(), jwks.sign(t, "k1", tt.claims), "", ""))); got != tt.want {
				t.Fatalf("code = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJWKSRotation(t *testing.T) {
	t.Parallel()
	jwks := newJWKS(t, "k1")
	e := newEnv(t, envOptions{jwks: jwks})
	get := func(tok string) error {
		_, err := e.rec().GetRecord(callCtx(t.Context(), tok, "", ""), &attiov1.GetRecordRequest{Object: "people", RecordId: recordA})
		return err
	}
	if err := get(jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))); err != nil {
		t.Fatalf("k1: %v", err)
	}
	if n := jwks.fetches.Load(); n != 1 {
		t.Fatalf("fetches after first token = %d, want 1", n)
	}
	// The provider rotates to k2; the cache does not know it yet, but the last fetch was just
	// now, so the unknown kid must not trigger another fetch (forged kids cannot hammer the IdP).
	jwks.addKey(t, "k2", true)
	tok2 := jwks.sign(t, "k2", goodClaims(e.clock.Now(), "alice", "read"))
	if err := get(tok2); codeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("k2 within min refresh interval: %v, want Unauthenticated", err)
	}
	if n := jwks.fetches.Load(); n != 1 {
		t.Fatalf("fetches within min interval = %d, want 1", n)
	}
	// After the minimum interval, the unknown kid refreshes the set.
	e.clock.Advance(2 * time.Minute)
	tok2 = jwks.sign(t, "k2", goodClaims(e.clock.Now(), "alice", "read"))
	if err := get(tok2); err != nil {
		t.Fatalf("k2 after rotation: %v", err)
	}
	if n := jwks.fetches.Load(); n != 2 {
		t.Fatalf("fetches after rotation = %d, want 2", n)
	}
	// Known keys are served from cache, until the periodic refresh interval passes.
	if err := get(jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))); err != nil {
		t.Fatal(err)
	}
	if n := jwks.fetches.Load(); n != 2 {
		t.Fatalf("fetches for a cached key = %d, want 2", n)
	}
	e.clock.Advance(16 * time.Minute)
	if err := get(jwks.sign(t, "k1", goodClaims(e.clock.Now(), "alice", "read"))); err != nil {
		t.Fatal(err)
	}
	if n := jwks.fetches.Load(); n != 3 {
		t.Fatalf("fetches after refresh interval = %d, want 3", n)
	}
}

func TestScopesAndConnections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	webhooks := attiov1connect.NewWebhookServiceClient(e.client)
	tests := []struct {
		name string
		key  string
		conn string
		call func(ctx context.Context) error
		want connect.Code
	}{
		{"reader reads", "key-reader", "", e.get(recordA), 0},
		{"reader writes", "key-reader", "", e.create(), connect.CodePermissionDenied},
		{"approver writes", "key-approver", "", e.create(), connect.CodePermissionDenied},
		{"writer writes without approval", "key-writer", "", e.create(), connect.CodeFailedPrecondition},
		{"writer lists webhooks (admin)", "key-writer", "", func(ctx context.Context) error {
			_, err := webhooks.ListWebhooks(ctx, &attiov1.ListWebhooksRequest{})
			return err
		}, connect.CodePermissionDenied},
		// Unimplemented proves the call got past authorisation to the (unimplemented) handler.
		{"admin lists webhooks", "key-admin", "", func(ctx context.Context) error {
			_, err := webhooks.ListWebhooks(ctx, &attiov1.ListWebhooksRequest{})
			return err
		}, connect.CodeUnimplemented},
		{"allow-listed connection", "key-conn-a", connA, e.get(recordA), 0},
		{"other connection", "key-conn-a", connB, e.get(recordA), connect.CodePermissionDenied},
		{"default connection not allow-listed", "key-conn-a", "", e.get(recordA), connect.CodePermissionDenied},
		{"unrestricted principal, any connection", "key-reader", connB, e.get(recordA), 0},
	}
	// The group waits for its parallel subtests, so the checks below see every call.
	t.Run("calls", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				err := tt.call(callCtx(t.Context(), tt.key, tt.conn, ""))
				if got := codeOf(err); got != tt.want {
					t.Fatalf("code = %v, want %v (err %v)", got, tt.want, err)
				}
			})
		}
	})
	if n := e.records.creates.Load(); n != 0 {
		t.Fatalf("creates reached the handler %d times", n)
	}
	for _, l := range auditLines(t, e.audit) {
		if l["decision"] == "refused" && l["principal"] == "apikey:reader" && l["procedure"] == attiov1connect.RecordServiceCreateRecordProcedure {
			return
		}
	}
	t.Fatalf("no audit line for the reader's refused write:\n%s", e.audit.String())
}

func (e *env) get(id string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := e.rec().GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: id})
		return err
	}
}

func (e *env) create() func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := e.rec().CreateRecord(ctx, &attiov1.CreateRecordRequest{Object: "people"})
		return err
	}
}

func TestSandboxPrincipals(t *testing.T) {
	t.Parallel()
	if _, err := interceptors.NewAuthenticator(nil, interceptors.AuthenticatorOptions{}); !errors.Is(err, interceptors.ErrAuthConfigRequired) {
		t.Fatalf("nil config outside sandbox: %v, want ErrAuthConfigRequired", err)
	}
	e := newEnv(t, envOptions{sandbox: true})
	tests := []struct {
		token string
		call  func(context.Context) error
		want  connect.Code
	}{
		{interceptors.SandboxReaderToken, e.get(recordA), 0},
		{interceptors.SandboxReaderToken, e.create(), connect.CodePermissionDenied},
		{interceptors.SandboxWriterToken, e.create(), connect.CodeFailedPrecondition},
		{interceptors.SandboxApproverToken, e.create(), connect.CodePermissionDenied},
		{interceptors.SandboxAdminToken, e.create(), connect.CodeFailedPrecondition},
		{"key-reader", e.get(recordA), connect.CodeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			t.Parallel()
			if got := codeOf(tt.call(callCtx(t.Context(), tt.token, "", ""))); got != tt.want {
				t.Fatalf("code = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoadAuthConfig(t *testing.T) {
	t.Parallel()
	good := `{"api_keys":[{"name":"etl","sha256":"` + hashKey("k") + `","scopes":["read","write"],
	  "connections":["` + connA + `"],"auto_approve":true}],
	  "jwt":{"jwks_url":"https://idp.test/jwks","issuer":"https://idp.test/","audience":"attio-facade","fetch_timeout":"5s"},
	  "approvals":{"ttl":"5m","allow_self_approval":true}}`
	tests := []struct {
		name    string
		json    string
		wantErr string
	}{
		{"valid", good, ""},
		{"unknown field", `{"api_keys":[{"name":"a","sha256":"` + hashKey("k") + `","scopes":["read"],"scope":["admin"]}]}`, "unknown field"},
		{"clear-text key", `{"api_keys":[{"name":"a","sha256":"my-secret-key","scopes":["read"]}]}`, "64 hex digits"},
		{"unknown scope", `{"api_keys":[{"name":"a","sha256":"` + hashKey("k") + `","scopes":["root"]}]}`, "unknown scope"},
		{"duplicate name", `{"api_keys":[{"name":"a","sha256":"` + hashKey("k") + `","scopes":["read"]},{"name":"a","sha256":"` + hashKey("j") + `","scopes":["read"]}]}`, "duplicate name"},
		{"same name, other case", `{"api_keys":[{"name":"writer","sha256":"` + hashKey("k") + `","scopes":["read"]},{"name":"Writer","sha256":"` + hashKey("j") + `","scopes":["read"]}]}`, "duplicate name"},
		{"identity separator in name", `{"api_keys":[{"name":"jwt:https://idp.test/|writer","sha256":"` + hashKey("k") + `","scopes":["read"]}]}`, "only letters"},
		{"space in name", `{"api_keys":[{"name":"writer ","sha256":"` + hashKey("k") + `","scopes":["read"]}]}`, "only letters"},
		{"empty name", `{"api_keys":[{"name":"","sha256":"` + hashKey("k") + `","scopes":["read"]}]}`, "name is empty"},
		{"long name", `{"api_keys":[{"name":"` + strings.Repeat("n", interceptors.MaxNameBytes+1) + `","sha256":"` + hashKey("k") + `","scopes":["read"]}]}`, "longer than"},
		{"at the size bound", padTo(good, interceptors.MaxAuthFileBytes), ""},
		{"over the size bound", padTo(good, interceptors.MaxAuthFileBytes+1), "larger than"},
		{"nobody", `{}`, "neither"},
		{"jwt without audience", `{"jwt":{"jwks_url":"https://idp.test/jwks","issuer":"x"}}`, "audience"},
		{"bad ttl", `{"api_keys":[{"name":"a","sha256":"` + hashKey("k") + `","scopes":["read"]}],"approvals":{"ttl":"soon"}}`, "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "auth.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := interceptors.LoadAuthConfig(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "my-secret-key") {
					t.Fatalf("error quotes the key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			opts := cfg.ApprovalOptions()
			if opts.TTL != 5*time.Minute || !opts.AllowSelfApproval || !cfg.APIKeys[0].AutoApprove || cfg.JWT.Audience != "attio-facade" ||
				cfg.JWT.FetchTimeout != interceptors.Duration(5*time.Second) {
				t.Fatalf("decoded %+v / %+v", cfg, opts)
			}
		})
	}
	if _, err := interceptors.LoadAuthConfig(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("missing file accepted")
	}
}

// padTo pads a JSON document with trailing spaces to n bytes.
func padTo(doc string, n int) string { return doc + strings.Repeat(" ", n-len(doc)) }

// A bearer token longer than 16 KiB is refused before it is hashed or parsed.
func TestBearerTokenBound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{jwks: newJWKS(t, "k1")})
	for _, tt := range []struct {
		n       int
		tooLong bool
	}{{16 << 10, false}, {16<<10 + 1, true}} {
		_, err := e.auth.Authenticate(t.Context(), "Bearer "+strings.Repeat("a.", tt.n/2)+strings.Repeat("b", tt.n%2))
		if connect.CodeOf(err) != connect.CodeUnauthenticated || strings.Contains(err.Error(), "too long") != tt.tooLong {
			t.Fatalf("%d-byte token: %v (want too long: %v)", tt.n, err, tt.tooLong)
		}
	}
}

func TestClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		procedure     string
		write, delete bool
		scope         interceptors.Scope
		known         bool
	}{
		{attiov1connect.RecordServiceGetRecordProcedure, false, false, "read", true},
		{attiov1connect.RecordServiceStreamRecordsProcedure, false, false, "read", true},
		{attiov1connect.RecordServiceCreateRecordProcedure, true, false, "write", true},
		{attiov1connect.RecordServiceAssertRecordProcedure, true, false, "write", true},
		{attiov1connect.RecordServiceDeleteRecordProcedure, true, true, "write", true},
		{attiov1connect.EntryServiceDeleteEntryProcedure, true, true, "write", true},
		{attiov1connect.ObjectServiceGetObjectProcedure, false, false, "read", true},
		{attiov1connect.ObjectServiceCreateObjectProcedure, true, false, "admin", true},
		{attiov1connect.AttributeServiceUpdateSelectOptionProcedure, true, false, "admin", true},
		{attiov1connect.ListServiceCreateListProcedure, true, false, "admin", true},
		{attiov1connect.WebhookServiceListWebhooksProcedure, false, false, "admin", true},
		{attiov1connect.WebhookServiceDeleteWebhookProcedure, true, true, "admin", true},
		{attiov1connect.ConnectionServiceGetConnectionProcedure, false, false, "admin", true},
		{attiov1connect.ConnectionServiceDeleteConnectionProcedure, true, true, "admin", true},
		{attiov1connect.ApprovalServiceListApprovalsProcedure, false, false, "read", true},
		{attiov1connect.ApprovalServiceGetApprovalProcedure, false, false, "read", true},
		{attiov1connect.ApprovalServiceApproveProcedure, false, false, "approve", true},
		{attiov1connect.ApprovalServiceDenyProcedure, false, false, "approve", true},
		{attiov1connect.ExportServiceExportRecordsProcedure, false, false, "read", true},
		{"/grpc.health.v1.Health/Check", false, false, "", false},
		{"/attio.v1.Nope/Nope", false, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.procedure, func(t *testing.T) {
			t.Parallel()
			scope, known := interceptors.RequiredScope(tt.procedure)
			if interceptors.IsWrite(tt.procedure) != tt.write || interceptors.IsDelete(tt.procedure) != tt.delete || scope != tt.scope || known != tt.known {
				t.Fatalf("write=%v delete=%v scope=%q known=%v", interceptors.IsWrite(tt.procedure), interceptors.IsDelete(tt.procedure), scope, known)
			}
		})
	}
	if !interceptors.IsOpen("/grpc.health.v1.Health/Watch") || !interceptors.IsOpen("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo") {
		t.Fatal("health and reflection must stay open")
	}
	if err := interceptors.Authorize(&interceptors.Principal{Name: "x", Scopes: []interceptors.Scope{"admin"}}, "/attio.v1.Nope/Nope", ""); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("unknown procedure: %v, want PermissionDenied (closed by default)", err)
	}
	// ApprovalService does not go through a Maton connection, so connection allow-lists do not apply.
	if err := interceptors.Authorize(principal("key-approver-a"), attiov1connect.ApprovalServiceApproveProcedure, ""); err != nil {
		t.Fatalf("connection-restricted approver on ApprovalService: %v", err)
	}
	if err := interceptors.Authorize(principal("key-approver-a"), attiov1connect.RecordServiceGetRecordProcedure, ""); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("connection-restricted approver on the default connection: %v", err)
	}
	if n := len(interceptors.Procedures()); n < 60 {
		t.Fatalf("classification table has %d procedures; was it built from the descriptors?", n)
	}
}
