package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/interceptors"
)

// Approvals is an interceptors.ApprovalStore in Redis. Keys:
//
//	ap:<id>            hash {pb: the approval, protobuf; state: its state number}, expiring at its retention
//	open:<sha256 key>  the id of the open approval of one WriteKey, expiring with the approval
//	pending:<sha256 r> sorted set of requester r's pending ids, scored by expiry (ms)
//	all                sorted set of every id, scored by retention (ms): List without SCAN
//
// Create and Transition are Lua scripts, so the state check, the write and the indexes change in
// one atomic step for every replica.
type Approvals struct{ s *Store }

// Approvals returns the approval store.
func (s *Store) Approvals() *Approvals { return &Approvals{s} }

var _ interceptors.ApprovalStore = (*Approvals)(nil)

// createScript: KEYS ap, open, pending, all. ARGV id, pb, state, expiresMs, retainMs, nowMs,
// maxPending, open(0/1), pending(0/1). Returns 1, -1 (id exists) or -2 (too many pending).
var createScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
if ARGV[9] == '1' and tonumber(ARGV[7]) > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[6])
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then return -2 end
end
redis.call('HSET', KEYS[1], 'pb', ARGV[2], 'state', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
if ARGV[8] == '1' then redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[4]) end
if ARGV[9] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
  if redis.call('PEXPIRETIME', KEYS[3]) < tonumber(ARGV[4]) then redis.call('PEXPIREAT', KEYS[3], ARGV[4]) end
end
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[6])
return 1
`)

// transitionScript: KEYS ap, open, pending, all. ARGV id, fromState, pb, state, expiresMs,
// retainMs, open(0/1), pending(0/1). Returns 1 (done), 0 (state differs) or -1 (unknown id).
var transitionScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return -1 end
if st ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'pb', ARGV[3], 'state', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[6])
if ARGV[7] == '1' then
  redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[5])
elseif redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
if ARGV[8] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
  if redis.call('PEXPIRETIME', KEYS[3]) < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[3], ARGV[5]) end
else
  redis.call('ZREM', KEYS[3], ARGV[1])
end
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
return 1
`)

func hashed(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (a *Approvals) keys(ap *attiov1.Approval) []string {
	s := a.s
	return []string{
		s.key("ap", ap.GetId()),
		s.key("open", hashed(ap.GetRequester(), ap.GetProcedure(), ap.GetConnection(), ap.GetRequestDigest())),
		s.key("pending", hashed(ap.GetRequester())),
		s.key("all"),
	}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// isOpen mirrors the memory store: pending or approved, before its expiry.
func (a *Approvals) isOpen(ap *attiov1.Approval) bool {
	st := ap.GetState()
	return (st == attiov1.ApprovalState_APPROVAL_STATE_PENDING || st == attiov1.ApprovalState_APPROVAL_STATE_APPROVED) &&
		a.s.now().Before(ap.GetExpiresAt().AsTime())
}

// Create implements interceptors.ApprovalStore.
func (a *Approvals) Create(ctx context.Context, ap *attiov1.Approval, retainUntil time.Time, maxPending int) (err error) {
	ctx, sp := a.s.span(ctx, "approvals.create", attribute.String("approval.id", ap.GetId()))
	defer func() { end(sp, err) }()
	pb, err := proto.Marshal(ap)
	if err != nil {
		return err
	}
	open := a.isOpen(ap)
	pending := open && ap.GetState() == attiov1.ApprovalState_APPROVAL_STATE_PENDING
	n, err := createScript.Run(ctx, a.s.rdb, a.keys(ap), ap.GetId(), pb, int32(ap.GetState()),
		ms(ap.GetExpiresAt().AsTime()), ms(retainUntil), ms(a.s.now()), maxPending, flag(open), flag(pending)).Int()
	switch {
	case err != nil:
		return a.s.wrap(err)
	case n == -1:
		return errors.New("approval id already exists")
	case n == -2:
		return interceptors.ErrTooManyPending
	}
	return nil
}

// get reads one approval by id; nil when absent.
func (a *Approvals) get(ctx context.Context, id string) (*attiov1.Approval, error) {
	b, err := a.s.rdb.HGet(ctx, a.s.key("ap", id), "pb").Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, a.s.wrap(err)
	}
	out := new(attiov1.Approval)
	if err := proto.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Get implements interceptors.ApprovalStore.
func (a *Approvals) Get(ctx context.Context, id string) (_ *attiov1.Approval, err error) {
	ctx, sp := a.s.span(ctx, "approvals.get", attribute.String("approval.id", id))
	defer func() { end(sp, err) }()
	ap, err := a.get(ctx, id)
	if err == nil && ap == nil {
		return nil, interceptors.ErrApprovalNotFound
	}
	return ap, err
}

// FindOpen implements interceptors.ApprovalStore: one GET of the index, one HGET of the approval.
func (a *Approvals) FindOpen(ctx context.Context, key interceptors.WriteKey) (_ *attiov1.Approval, err error) {
	ctx, sp := a.s.span(ctx, "approvals.find_open")
	defer func() { end(sp, err) }()
	id, err := a.s.rdb.Get(ctx, a.s.key("open", hashed(key.Requester, key.Procedure, key.Connection, key.Digest))).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, a.s.wrap(err)
	}
	ap, err := a.get(ctx, id)
	if err != nil || ap == nil || !a.isOpen(ap) {
		return nil, err
	}
	return ap, nil
}

// List implements interceptors.ApprovalStore.
func (a *Approvals) List(ctx context.Context) (_ []*attiov1.Approval, err error) {
	ctx, sp := a.s.span(ctx, "approvals.list")
	defer func() { end(sp, err) }()
	all := a.s.key("all")
	ids, err := a.s.rdb.ZRangeByScore(ctx, all, &redis.ZRangeBy{Min: "(" + strconv.FormatInt(ms(a.s.now()), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, a.s.wrap(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.StringCmd, len(ids))
	_, err = a.s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, a.s.key("ap", id), "pb")
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, a.s.wrap(err)
	}
	out := make([]*attiov1.Approval, 0, len(ids))
	for _, c := range cmds {
		b, err := c.Bytes()
		if err != nil {
			continue // expired between the two reads
		}
		ap := new(attiov1.Approval)
		if err := proto.Unmarshal(b, ap); err != nil {
			return nil, err
		}
		out = append(out, ap)
	}
	return out, nil
}

// Transition implements interceptors.ApprovalStore: a compare-and-set on the stored state.
func (a *Approvals) Transition(ctx context.Context, from attiov1.ApprovalState, next *attiov1.Approval, retainUntil time.Time) (_ bool, err error) {
	ctx, sp := a.s.span(ctx, "approvals.transition", attribute.String("approval.id", next.GetId()),
		attribute.String("approval.to", next.GetState().String()))
	defer func() { end(sp, err) }()
	pb, err := proto.Marshal(next)
	if err != nil {
		return false, err
	}
	open := a.isOpen(next)
	pending := open && next.GetState() == attiov1.ApprovalState_APPROVAL_STATE_PENDING
	n, err := transitionScript.Run(ctx, a.s.rdb, a.keys(next), next.GetId(), strconv.Itoa(int(from)), pb,
		int32(next.GetState()), ms(next.GetExpiresAt().AsTime()), ms(retainUntil), flag(open), flag(pending)).Int()
	switch {
	case err != nil:
		return false, a.s.wrap(err)
	case n == -1:
		return false, interceptors.ErrApprovalNotFound
	}
	return n == 1, nil
}
