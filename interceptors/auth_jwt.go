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
)

// Asymmetric algorithms only: a JWKS publishes public keys, and accepting HS* would let anyone who
// read the JWKS mint tokens.
var jwtAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

const (
	defaultJWKSRefresh    = 15 * time.Minute
	defaultJWKSMinRefresh = time.Minute
	// jwtLeeway absorbs clock skew between the identity provider and the facade.
	jwtLeeway    = 30 * time.Second
	maxJWKSBytes = 1 << 20
)

var (
	errUnknownKey = errors.New("jwt: unknown key id")
	errNoExpiry   = errors.New("jwt: no exp claim")
	errNoName     = errors.New("jwt: no principal name claim")
	errBadName    = errors.New("jwt: principal name too long or with control characters")
)

// jwtVerifier checks bearer JWTs against a cached JWKS. Keys are refetched when older than
// refresh (lazily, on the next verification: no background goroutine to stop) and when a token
// names an unknown kid, at most once per minRefresh so forged kids cannot hammer the provider.
type jwtVerifier struct {
	cfg        JWTConfig
	client     *http.Client
	now        func() time.Time
	logger     *slog.Logger
	refresh    time.Duration
	minRefresh time.Duration

	fetchMu sync.Mutex // one fetch at a time; held while fetching

	mu          sync.Mutex
	keys        *jose.JSONWebKeySet
	fetchedAt   time.Time // last successful fetch
	attemptedAt time.Time // last fetch attempt
}

func newJWTVerifier(cfg JWTConfig, client *http.Client, now func() time.Time, logger *slog.Logger) *jwtVerifier {
	v := &jwtVerifier{
		cfg: cfg, client: client, now: now, logger: logger,
		refresh: time.Duration(cfg.RefreshInterval), minRefresh: time.Duration(cfg.MinRefreshInterval),
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
	if std.Expiry == nil {
		return nil, errNoExpiry
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
	now := v.now()
	v.mu.Lock()
	keys, fetchedAt := v.keys, v.fetchedAt
	v.mu.Unlock()
	if keys == nil || now.Sub(fetchedAt) >= v.refresh {
		v.fetch(ctx, false)
	}
	if k := v.lookup(kid); k != nil {
		return k, nil
	}
	// Unknown kid: the provider may have rotated keys since the last fetch.
	v.fetch(ctx, true)
	if k := v.lookup(kid); k != nil {
		return k, nil
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

// fetch refreshes the key set unless the last attempt is more recent than minRefresh, or (for a
// periodic refresh) another caller refreshed while this one waited. Failures keep the previous keys.
func (v *jwtVerifier) fetch(ctx context.Context, unknownKid bool) {
	v.fetchMu.Lock()
	defer v.fetchMu.Unlock()
	now := v.now()
	v.mu.Lock()
	have, attempted, fetched := v.keys != nil, v.attemptedAt, v.fetchedAt
	v.mu.Unlock()
	// minRefresh also spaces retries while the provider is down, so an outage cannot turn every
	// request into a fetch.
	if !attempted.IsZero() && now.Sub(attempted) < v.minRefresh {
		return
	}
	if have && !unknownKid && now.Sub(fetched) < v.refresh {
		return // someone refreshed while we waited for fetchMu
	}
	v.mu.Lock()
	v.attemptedAt = now
	v.mu.Unlock()
	keys, err := v.download(ctx)
	if err != nil {
		v.logger.WarnContext(ctx, "jwks fetch failed; keeping cached keys", "url", v.cfg.JWKSURL, "error", err.Error())
		return
	}
	v.mu.Lock()
	v.keys, v.fetchedAt = keys, now
	v.mu.Unlock()
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
