package redisstore

import (
	"context"
	"time"

	"github.com/attio-facade/attio-facade/interceptors"
)

// UsedTokens is an interceptors.UsedTokenStore in Redis: one key per used token id, set with
// SET NX and expiring with the token, so exactly one replica's redemption wins.
type UsedTokens struct{ s *Store }

// UsedTokens returns the used-token store.
func (s *Store) UsedTokens() *UsedTokens { return &UsedTokens{s} }

var _ interceptors.UsedTokenStore = (*UsedTokens)(nil)

// MarkUsed implements interceptors.UsedTokenStore.
func (u *UsedTokens) MarkUsed(ctx context.Context, jti string, expiry time.Time) (_ bool, err error) {
	ctx, sp := u.s.span(ctx, "used_tokens.mark_used")
	defer func() { end(sp, err) }()
	// At least a second: a key set to expire in the past would vanish at once and let the id in
	// again, and an expired token is refused before this runs anyway.
	ttl := max(expiry.Sub(u.s.now()), time.Second)
	ok, err := u.s.rdb.SetNX(ctx, u.s.key("used", jti), 1, ttl).Result()
	return ok, u.s.wrap(err)
}

// Release implements interceptors.UsedTokenStore.
func (u *UsedTokens) Release(ctx context.Context, jti string) (err error) {
	ctx, sp := u.s.span(ctx, "used_tokens.release")
	defer func() { end(sp, err) }()
	return u.s.wrap(u.s.rdb.Del(ctx, u.s.key("used", jti)).Err())
}
