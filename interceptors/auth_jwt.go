package interceptors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/sync/singleflight"
)

// Asymmetric algorithms only: a JWKS publishes public keys, and accepting HS* would let anyone who
// read the JWKS mint tokens.
var jwtAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// DefaultJWTMaxLifetime is the longest exp − iat a JWT may have unless configured otherwise.
const DefaultJWTMaxLifetime = 24 * time.Hour

const (
	defaultJWKSRefresh    = 15 * time.Minute
	defaultJWKSMinRefresh = time.Minute
	// defaultJWKSFetchTimeout bounds one JWKS download, which runs detached from any caller.
	defaultJWKSFetchTimeout = 10 * time.Second
	// jwksRetryBase is the first pause after a failed JWKS fetch; it doubles per further failure.
	jwksRetryBase = time.Second
	// jwtLeeway absorbs clock skew between the identity provider and the facade.
	jwtLeeway    = 30 * time.Second
	maxJWKSBytes = 1 << 20
)

var (
	errUnknownKey = errors.New("jwt: unknown key id")
	errNoExpiry   = errors.New("jwt: no exp claim")
	errNoIssuedAt = errors.New("jwt: no iat claim")
	errNoName     = errors.New("jwt: no principal name claim")
	errBadName    = errors.New("jwt: principal name too long or with control characters")
)

// jwtVerifier checks bearer JWTs against a cached JWKS. Keys are refetched when older than
// refresh (lazily, on the next verification: no background loop to stop) and when a token names an
// unknown kid, at most once per minRefresh after a successful fetch so forged kids cannot hammer
// the provider. Concurrent callers share one fetch, which no caller's context can cancel.
type jwtVerifier struct {
	cfg          JWTConfig
	client       *http.Client
	now          func() time.Time
	logger       *slog.Logger
	refresh      time.Duration
	minRefresh   time.Duration
	fetchTimeout time.Duration
	maxLifetime  time.Duration

	fetches singleflight.Group

	mu        sync.Mutex
	keys      *jose.JSONWebKeySet
	fetchedAt time.Time // last successful fetch
	failures  int       // consecutive failed fetches
	retryAt   time.Time // after a failure, no fetch before this
}

func newJWTVerifier(cfg JWTConfig, opts AuthenticatorOptions) *jwtVerifier {
	v := &jwtVerifier{
		cfg: cfg, client: opts.HTTPClient, now: opts.Now, logger: opts.Logger, maxLifetime: opts.JWTMaxLifetime,
		refresh: time.Duration(cfg.RefreshInterval), minRefresh: time.Duration(cfg.MinRefreshInterval),
		fetchTimeout: time.Duration(cfg.FetchTimeout),
	}
	if v.cfg.ScopesClaim == "" {
		v.cfg.ScopesClaim = "scope"
	}
	if v.cfg.NameClaim == "" {
		v.cfg.NameClaim = "sub"
	}
	if v.refresh <= 0 {
		v.refresh = defaultJWKSRefresh
	}
	if v.minRefresh <= 0 {
		v.minRefresh = defaultJWKSMinRefresh
	}
	if v.maxLifetime <= 0 {
		v.maxLifetime = DefaultJWTMaxLifetime
	}
	if v.fetchTimeout <= 0 {
		v.fetchTimeout = defaultJWKSFetchTimeout
	}
	return v
}

func (v *jwtVerifier) verify(ctx context.Context, token string) (*Principal, error) {
	tok, err := jwt.ParseSigned(token, jwtAlgorithms)
	if err != nil {
		return nil, fmt.Errorf("jwt: parse: %w", err)
	}
	if len(tok.Headers) != 1 {
		return nil, errors.New("jwt: want exactly one signature")
	}
	key, err := v.key(ctx, tok.Headers[0].KeyID)
	if err != nil {
		return nil, err
	}
	var std jwt.Claims
	var all map[string]any
	if err := tok.Claims(key.Key, &std, &all); err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	// Without iat a token's lifetime is unknown, and a stolen long-lived token would stay valid
	// for as long as its issuer chose: both claims are required, and their distance is bounded.
	if std.Expiry == nil {
		return nil, errNoExpiry
	}
	if std.IssuedAt == nil {
		return nil, errNoIssuedAt
	}
	if life := std.Expiry.Time().Sub(std.IssuedAt.Time()); life > v.maxLifetime {
		return nil, fmt.Errorf("jwt: lifetime %s exceeds the maximum %s", life, v.maxLifetime)
	}
	expected := jwt.Expected{Issuer: v.cfg.Issuer, AnyAudience: jwt.Audience{v.cfg.Audience}, Time: v.now()}
	if err := std.ValidateWithLeeway(expected, jwtLeeway); err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	name, _ := all[v.cfg.NameClaim].(string)
	if name == "" {
		return nil, errNoName
	}
	// IdPs put '|' and ':' in subjects ("auth0|123"), so only length and control characters are
	// refused: the identity stays unambiguous because its issuer prefix is fixed.
	if len(name) > MaxNameBytes || strings.ContainsFunc(name, unicode.IsControl) {
		return nil, errBadName
	}
	p := &Principal{Kind: KindJWT, Issuer: v.cfg.Issuer, Name: name}
	for _, s := range claimStrings(all[v.cfg.ScopesClaim]) {
		if sc := Scope(s); slices.Contains(knownScopes, sc) {
			p.Scopes = append(p.Scopes, sc)
		}
	}
	if v.cfg.ConnectionsClaim != "" {
		p.Connections = claimStrings(all[v.cfg.ConnectionsClaim])
	}
	return p, nil
}

// claimStrings accepts an OAuth 2 space-separated string or a JSON array of strings.
func claimStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Fields(v)
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// key returns the verification key for kid, refreshing the set when it is stale or lacks kid.
func (v *jwtVerifier) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	if v.due(false) {
		v.refreshKeys(ctx, false)
	}
	if k := v.lookup(kid); k != nil {
		return k, nil
	}
	// Unknown kid: the provider may have rotated keys since the last fetch.
	if v.due(true) {
		v.refreshKeys(ctx, true)
		if k := v.lookup(kid); k != nil {
			return k, nil
		}
	}
	return nil, errUnknownKey
}

func (v *jwtVerifier) lookup(kid string) *jose.JSONWebKey {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys == nil {
		return nil
	}
	if kid == "" {
		// Without a kid only an unambiguous set can be used.
		if len(v.keys.Keys) == 1 {
			return &v.keys.Keys[0]
		}
		return nil
	}
	if ks := v.keys.Key(kid); len(ks) > 0 {
		return &ks[0]
	}
	return nil
}

// due reports whether a fetch may start now: never while a failed fetch is backing off; when there
// are no keys or they are older than refresh; and, for an unknown kid, when the last successful
// fetch is older than minRefresh. Only successful fetches count against that allowance, so a fetch
// that failed (say, because a caller's deadline was already spent) cannot lock out valid tokens.
func (v *jwtVerifier) due(unknownKid bool) bool {
	now := v.now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if now.Before(v.retryAt) {
		return false
	}
	age := now.Sub(v.fetchedAt)
	return v.keys == nil || age >= v.refresh || unknownKid && age >= v.minRefresh
}

// refreshKeys fetches the key set once for all concurrent callers and waits for the result, or
// for ctx: the fetch itself runs detached from every caller (context.WithoutCancel, with its own
// timeout), so a caller that gives up, or arrives with a spent deadline, cannot make it fail.
func (v *jwtVerifier) refreshKeys(ctx context.Context, unknownKid bool) {
	detached := context.WithoutCancel(ctx)
	ch := v.fetches.DoChan("jwks", func() (any, error) {
		// A caller that checked due just before another fetch ended must not fetch again.
		if !v.due(unknownKid) {
			return nil, nil
		}
		return nil, v.fetch(detached)
	})
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// fetch downloads the key set. A failure keeps the previous keys and schedules the next attempt
// after an exponential backoff (jwksRetryBase doubling, at most minRefresh), so an outage cannot
// turn every request into a fetch while a transient failure is retried within seconds.
func (v *jwtVerifier) fetch(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, v.fetchTimeout)
	defer cancel()
	keys, err := v.download(ctx)
	now := v.now()
	v.mu.Lock()
	defer v.mu.Unlock()
	if err != nil {
		v.failures++
		backoff := min(v.minRefresh, jwksRetryBase<<min(v.failures-1, 16))
		v.retryAt = now.Add(backoff)
		v.logger.WarnContext(ctx, "jwks fetch failed; keeping cached keys", "url", v.cfg.JWKSURL,
			"error", err.Error(), "failures", v.failures, "retry_in", backoff.String())
		return err
	}
	v.keys, v.fetchedAt, v.failures, v.retryAt = keys, now, 0, time.Time{}
	return nil
}

func (v *jwtVerifier) download(ctx context.Context) (*jose.JSONWebKeySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.JWKSURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	res, err := v.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks: HTTP %d", res.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(res.Body, maxJWKSBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	public := set.Keys[:0]
	for _, k := range set.Keys {
		if k.IsPublic() && (k.Use == "" || k.Use == "sig") {
			public = append(public, k)
		}
	}
	set.Keys = public
	return &set, nil
}
