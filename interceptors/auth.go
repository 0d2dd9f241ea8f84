package interceptors

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
)

// Request headers the facade reads.
const (
	// HeaderAuthorization carries "Bearer <API key or JWT>".
	HeaderAuthorization = "Authorization"
	// HeaderConnection picks a Maton connection; absent means the account's default one.
	HeaderConnection = "Maton-Connection"
	// HeaderApproval carries the approval token of a write.
	HeaderApproval = "Attio-Approval"
)

// ErrAuthConfigRequired is returned by NewAuthenticator when no auth configuration is given outside
// sandbox mode: with a real MATON_API_KEY the facade must not serve anonymous or built-in callers.
var ErrAuthConfigRequired = errors.New("interceptors: an auth configuration is required outside sandbox mode")

// errInvalidCredentials is the one answer for every bad token, so callers cannot probe which part
// of a credential was wrong; the reason stays local.
var errInvalidCredentials = errors.New("invalid credentials")

// AuthConfig is the facade's caller configuration, read from a JSON file by LoadAuthConfig
// (YAML would need a new dependency). API keys are stored only as SHA-256 hashes of the key:
//
//	{
//	  "api_keys": [
//	    {"name": "etl", "sha256": "<hex of sha256(key)>", "scopes": ["read", "write"],
//	     "connections": ["<maton connection uuid>"], "auto_approve": true, "auto_approve_deletes": false}
//	  ],
//	  "jwt": {"jwks_url": "https://idp.example.com/.well-known/jwks.json", "issuer": "https://idp.example.com/",
//	          "audience": "attio-facade", "scopes_claim": "scope", "name_claim": "sub",
//	          "connections_claim": "", "refresh_interval": "15m", "min_refresh_interval": "1m",
//	          "fetch_timeout": "10s"},
//	  "approvals": {"ttl": "10m", "allow_self_approval": false}
//	}
//
// Scopes are read, write, approve and admin. "connections" (absent or empty: any) restricts the
// Maton-Connection header values a key may use; "" stands for the default connection. The JWT scope
// claim may be a space-separated string (OAuth 2) or an array. Compute a key's hash with
// `printf %s "$KEY" | sha256sum`. Unknown fields are rejected so a typo cannot silently widen access.
type AuthConfig struct {
	APIKeys   []APIKeyConfig `json:"api_keys"`
	JWT       *JWTConfig     `json:"jwt,omitempty"`
	Approvals ApprovalConfig `json:"approvals"`
}

// APIKeyConfig is one API key principal.
type APIKeyConfig struct {
	Name               string   `json:"name"`
	SHA256             string   `json:"sha256"`
	Scopes             []Scope  `json:"scopes"`
	Connections        []string `json:"connections,omitempty"`
	AutoApprove        bool     `json:"auto_approve,omitempty"`
	AutoApproveDeletes bool     `json:"auto_approve_deletes,omitempty"`
}

// JWTConfig enables bearer JWTs verified against a JWKS.
type JWTConfig struct {
	JWKSURL  string `json:"jwks_url"`
	Issuer   string `json:"issuer"`
	Audience string `json:"audience"`
	// ScopesClaim names the claim holding scopes; default "scope".
	ScopesClaim string `json:"scopes_claim,omitempty"`
	// NameClaim names the claim used as the principal name; default "sub".
	NameClaim string `json:"name_claim,omitempty"`
	// ConnectionsClaim optionally names a claim listing the allowed Maton connections.
	ConnectionsClaim string `json:"connections_claim,omitempty"`
	// RefreshInterval is how old the cached keys may get before a refetch; default 15m.
	RefreshInterval Duration `json:"refresh_interval,omitempty"`
	// MinRefreshInterval bounds refetches triggered by unknown key ids (counted from the last
	// successful fetch) and the backoff after failed fetches; default 1m.
	MinRefreshInterval Duration `json:"min_refresh_interval,omitempty"`
	// FetchTimeout bounds one JWKS download; default 10s. The download runs detached from the
	// request that triggered it, so a caller's deadline never cuts it short.
	FetchTimeout Duration `json:"fetch_timeout,omitempty"`
}

// ApprovalConfig is the approval policy; see ApprovalOptions.
type ApprovalConfig struct {
	// TTL is how long a pending approval and an approval token live; default 10m.
	TTL Duration `json:"ttl,omitempty"`
	// AllowSelfApproval lets a principal approve its own writes through ApprovalService.
	AllowSelfApproval bool `json:"allow_self_approval,omitempty"`
}

// Duration is a time.Duration written as a Go duration string ("10m") in JSON.
type Duration time.Duration

// UnmarshalJSON accepts "1m30s"-style strings.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"10m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// MaxAuthFileBytes bounds the auth configuration: thousands of keys fit, and a wrong path (a log,
// a device) cannot make the facade read without end.
const MaxAuthFileBytes = 1 << 20

// LoadAuthConfig reads and validates the JSON auth configuration at path.
func LoadAuthConfig(path string) (*AuthConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxAuthFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("auth config: %w", err)
	}
	cfg, err := ParseAuthConfig(data)
	if err != nil {
		return nil, fmt.Errorf("auth config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseAuthConfig decodes and validates a JSON auth configuration.
func ParseAuthConfig(data []byte) (*AuthConfig, error) {
	if len(data) > MaxAuthFileBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxAuthFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg AuthConfig
	if err := dec.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

var knownScopes = []Scope{ScopeRead, ScopeWrite, ScopeApprove, ScopeAdmin}

// Validate checks the configuration. Errors never quote hashes.
func (c *AuthConfig) Validate() error {
	if len(c.APIKeys) == 0 && c.JWT == nil {
		return errors.New("neither api_keys nor jwt configured: nobody could call the facade")
	}
	names := map[string]bool{}
	hashes := map[string]bool{}
	for i, k := range c.APIKeys {
		if err := ValidateName(k.Name); err != nil {
			return fmt.Errorf("api_keys[%d]: %w", i, err)
		}
		// Names differing only in case would read as one caller in audit logs and approvals.
		folded := strings.ToLower(k.Name)
		if names[folded] {
			return fmt.Errorf("api_keys[%d]: duplicate name %q (names are compared ignoring case)", i, k.Name)
		}
		names[folded] = true
		h, err := parseKeyHash(k.SHA256)
		if err != nil {
			return fmt.Errorf("api_keys[%d] (%s): %w", i, k.Name, err)
		}
		if hashes[h] {
			return fmt.Errorf("api_keys[%d] (%s): same sha256 as another key", i, k.Name)
		}
		hashes[h] = true
		if err := checkScopes(k.Scopes); err != nil {
			return fmt.Errorf("api_keys[%d] (%s): %w", i, k.Name, err)
		}
		if k.AutoApproveDeletes && !k.AutoApprove {
			return fmt.Errorf("api_keys[%d] (%s): auto_approve_deletes needs auto_approve", i, k.Name)
		}
	}
	if j := c.JWT; j != nil {
		if j.JWKSURL == "" || j.Issuer == "" || j.Audience == "" {
			return errors.New("jwt: jwks_url, issuer and audience are all required")
		}
		if !strings.HasPrefix(j.JWKSURL, "https://") && !strings.HasPrefix(j.JWKSURL, "http://") {
			return errors.New("jwt: jwks_url must be an http(s) URL")
		}
	}
	return nil
}

func checkScopes(scopes []Scope) error {
	if len(scopes) == 0 {
		return errors.New("no scopes")
	}
	for _, s := range scopes {
		if !slices.Contains(knownScopes, s) {
			return fmt.Errorf("unknown scope %q (want read, write, approve or admin)", s)
		}
	}
	return nil
}

// ApprovalOptions returns the approval policy of the configuration (nil: defaults) as options for
// NewApprovals; the caller adds the secret, stores, describer and audit log.
func (c *AuthConfig) ApprovalOptions() ApprovalOptions {
	if c == nil {
		return ApprovalOptions{}
	}
	return ApprovalOptions{TTL: time.Duration(c.Approvals.TTL), AllowSelfApproval: c.Approvals.AllowSelfApproval}
}

// The sandbox's built-in bearer tokens. They are public knowledge, hence sandbox only.
const (
	SandboxReaderToken   = "sandbox-reader"
	SandboxWriterToken   = "sandbox-writer"
	SandboxApproverToken = "sandbox-approver"
	SandboxAdminToken    = "sandbox-admin"
)

// SandboxPrincipals returns the built-in principals keyed by bearer token, used in sandbox mode
// when no auth configuration is given.
func SandboxPrincipals() map[string]*Principal {
	return map[string]*Principal{
		SandboxReaderToken:   {Kind: KindAPIKey, Name: "sandbox-reader", Scopes: []Scope{ScopeRead}},
		SandboxWriterToken:   {Kind: KindAPIKey, Name: "sandbox-writer", Scopes: []Scope{ScopeRead, ScopeWrite}},
		SandboxApproverToken: {Kind: KindAPIKey, Name: "sandbox-approver", Scopes: []Scope{ScopeRead, ScopeApprove}},
		SandboxAdminToken:    {Kind: KindAPIKey, Name: "sandbox-admin", Scopes: slices.Clone(knownScopes)},
	}
}

// AuthenticatorOptions configures NewAuthenticator.
type AuthenticatorOptions struct {
	// Sandbox allows a nil configuration, which then serves SandboxPrincipals.
	Sandbox bool
	// HTTPClient fetches the JWKS; nil uses a plain client (each fetch has its own timeout).
	HTTPClient *http.Client
	// Now is the clock for JWT expiry and key refresh; nil uses time.Now.
	Now func() time.Time
	// Logger receives operational problems (JWKS fetch failures). Nil discards.
	Logger *slog.Logger
	// Audit records refused writes. Nil discards.
	Audit *AuditLog
	// JWTMaxLifetime is the longest lifetime (exp − iat) a JWT may have; 0 means
	// DefaultJWTMaxLifetime. JWTs without iat or exp are always refused.
	JWTMaxLifetime time.Duration
}

// Authenticator turns a bearer token into a Principal (API keys first, then JWTs) and guards every
// RPC with Authorize.
type Authenticator struct {
	keys  *apiKeys
	jwt   *jwtVerifier
	audit *AuditLog
}

// NewAuthenticator builds the authenticator for cfg. A nil cfg is only accepted in sandbox mode
// (ErrAuthConfigRequired otherwise), where it serves SandboxPrincipals.
func NewAuthenticator(cfg *AuthConfig, opts AuthenticatorOptions) (*Authenticator, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HTTPClient == nil {
		// No client-wide timeout: every JWKS fetch carries its own (JWTConfig.FetchTimeout).
		opts.HTTPClient = &http.Client{}
	}
	a := &Authenticator{audit: opts.Audit}
	if cfg == nil {
		if !opts.Sandbox {
			return nil, ErrAuthConfigRequired
		}
		a.keys = sandboxKeys()
		return a, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	keys, err := newAPIKeys(cfg.APIKeys)
	if err != nil {
		return nil, err
	}
	a.keys = keys
	if cfg.JWT != nil {
		a.jwt = newJWTVerifier(*cfg.JWT, opts)
	}
	return a, nil
}

// Authenticate returns the principal for an Authorization header value. Every failure is
// Unauthenticated and never echoes the token.
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (*Principal, error) {
	token, ok := bearerToken(authorization)
	if !ok {
		return nil, connect.NewError(connect.CodeUnauthenticated, "missing credentials: send Authorization: Bearer <token>")
	}
	if len(token) > maxBearerBytes {
		return nil, connect.NewError(connect.CodeUnauthenticated, "invalid credentials: token too long").WithCause(errInvalidCredentials)
	}
	if p := a.keys.lookup(token); p != nil {
		return p, nil
	}
	if a.jwt != nil && looksLikeJWT(token) {
		p, err := a.jwt.verify(ctx, token)
		if err == nil {
			return p, nil
		}
		return nil, connect.NewError(connect.CodeUnauthenticated, "invalid credentials").WithCause(err)
	}
	return nil, connect.NewError(connect.CodeUnauthenticated, "invalid credentials").WithCause(errInvalidCredentials)
}

// maxBearerBytes bounds a bearer token before it is hashed or parsed: API keys are short and IdP
// JWTs stay well under it, so larger values are refused without spending memory on them.
const maxBearerBytes = 16 << 10

func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func looksLikeJWT(token string) bool { return strings.Count(token, ".") == 2 }

// Interceptor authenticates and authorises every call before any payload is read: open procedures
// (IsOpen: health, reflection; both are mounted outside the chain, so this is defence in depth)
// pass untouched; everything else needs a principal holding the procedure's scope and
// allowed to use the requested Maton connection. The principal is then available through
// PrincipalFrom. Place it after telemetry, recovery and drain and before rate limiting, validation and
// approvals.
func (a *Authenticator) Interceptor() connect.ServerInterceptor {
	return func(next connect.ServerFunc) connect.ServerFunc {
		return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
			if IsOpen(spec.Procedure) {
				return next(ctx, spec, stream)
			}
			info, ok := connect.CallInfoForServerContext(ctx)
			if !ok {
				return connect.NewError(connect.CodeInternal, "no call info")
			}
			p, err := a.Authenticate(ctx, info.RequestHeader().Get(HeaderAuthorization))
			if err != nil {
				return err
			}
			conn := info.RequestHeader().Get(HeaderConnection)
			if err := Authorize(p, spec.Procedure, conn); err != nil {
				if IsWrite(spec.Procedure) {
					a.audit.Record(ctx, AuditEvent{
						Decision: DecisionRefused, Principal: p.ID(), Procedure: spec.Procedure,
						Connection: conn, Reason: "not authorised",
					})
				}
				return err
			}
			return next(WithPrincipal(ctx, p), spec, stream)
		}
	}
}
