package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/attio-facade/attio-facade/changes"
)

// ChangeLog is a changes.Log in Redis Streams, so that every replica serves every watcher: the
// webhook delivery that reached replica A is read by a watcher on replica B. Per connection, a
// stream holds the events with the entry id "<position>-0", trimmed to Size entries (MAXLEN); a
// counter holds the next position, started at changes.FirstPosition the first time (so a flushed
// Redis starts past every token handed out before); a sorted set remembers the last Keys
// Idempotency-Keys. Recording a delivery is one script: the dedupe check, the appends and the
// trims happen together or not at all, and the webhook endpoint answers 2xx only after it.
//
// It is also a changes.Notifier: a recording publishes the connection's name, and Run wakes this
// replica's watchers of it. A notice lost with the pub/sub connection costs at most Poll: the
// channels are also closed every Poll.
type ChangeLog struct {
	s    *Store
	o    ChangeLogOptions
	mu   sync.Mutex
	wake map[string]chan struct{}
}

// ChangeLogOptions bounds a ChangeLog; zero fields take changes' defaults.
type ChangeLogOptions struct {
	// Size is how many events are kept per connection (the stream's MAXLEN).
	Size int
	// Keys is how many Idempotency-Keys are remembered per connection.
	Keys int
	// Poll is how often watchers reread even without a notice; default DefaultChangePoll.
	Poll time.Duration
}

// DefaultChangePoll is ChangeLogOptions.Poll's default.
const DefaultChangePoll = time.Second

// ChangeLog returns the change log.
func (s *Store) ChangeLog(o ChangeLogOptions) *ChangeLog {
	if o.Size <= 0 {
		o.Size = changes.DefaultLogSize
	}
	if o.Keys <= 0 {
		o.Keys = changes.DefaultLogKeys
	}
	if o.Poll <= 0 {
		o.Poll = DefaultChangePoll
	}
	return &ChangeLog{s: s, o: o, wake: map[string]chan struct{}{}}
}

var (
	_ changes.Log      = (*ChangeLog)(nil)
	_ changes.Notifier = (*ChangeLog)(nil)
)

// recordScript: KEYS stream, next, keys. ARGV key, size, nkeys, first, channel, then one JSON
// event each. Returns -1 for a duplicate delivery, else the number of events appended.
// Positions stay below 2^53 (a thousand a millisecond since 1970 is about 1.8e15), so Lua's
// numbers hold them exactly.
var recordScript = redis.NewScript(`
if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return -1 end
redis.call('SET', KEYS[2], ARGV[4], 'NX')
local next = tonumber(redis.call('GET', KEYS[2]))
local n = #ARGV - 5
for i = 1, n do
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], string.format('%.0f-0', next), 'e', ARGV[5 + i])
  next = next + 1
end
redis.call('SET', KEYS[2], string.format('%.0f', next))
redis.call('ZADD', KEYS[3], next, ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[3]) + 1))
if n > 0 then redis.call('PUBLISH', ARGV[5], '1') end
return n
`)

// readScript: KEYS stream, next. ARGV after (0: from the oldest kept), limit, first. Returns
// {head, oldest, gone(0/1), id1, event1, id2, event2, ...} as strings.
var readScript = redis.NewScript(`
redis.call('SET', KEYS[2], ARGV[3], 'NX')
local next = tonumber(redis.call('GET', KEYS[2]))
local head = next - 1
local oldest = next
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #first > 0 then oldest = tonumber(string.match(first[1][1], '^(%d+)')) end
local after = tonumber(ARGV[1])
if after == 0 then after = oldest - 1 end
local out = {string.format('%.0f', head), string.format('%.0f', oldest), '0'}
if after > head or after + 1 < oldest then
  out[3] = '1'
  return out
end
local limit = tonumber(ARGV[2])
if limit > 0 and after < head then
  local es = redis.call('XRANGE', KEYS[1], string.format('%.0f-0', after + 1), '+', 'COUNT', limit)
  for _, e in ipairs(es) do
    table.insert(out, e[1])
    table.insert(out, e[2][2])
  end
end
return out
`)

func (l *ChangeLog) keys(conn string) []string {
	return []string{l.s.key("changes", conn, "log"), l.s.key("changes", conn, "next"), l.s.key("changes", conn, "keys")}
}

func (l *ChangeLog) channel() string { return l.s.key("changes", "recorded") }

// Record implements changes.Log.
func (l *ChangeLog) Record(ctx context.Context, conn, key string, events []changes.Event) (dup bool, err error) {
	ctx, sp := l.s.span(ctx, "changes.record")
	defer func() { end(sp, err) }()
	// The notice goes to the connection's own channel, so only its watchers wake.
	args := []any{key, l.o.Size, l.o.Keys, strconv.FormatUint(changes.FirstPosition(l.s.now()), 10), l.channel() + ":" + conn}
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return false, err
		}
		args = append(args, b)
	}
	n, err := recordScript.Run(ctx, l.s.rdb, l.keys(conn), args...).Int64()
	if err != nil {
		return false, l.s.wrap(err)
	}
	return n < 0, nil
}

// Read implements changes.Log.
func (l *ChangeLog) Read(ctx context.Context, conn string, after uint64, limit int) (_ []changes.Entry, head uint64, err error) {
	ctx, sp := l.s.span(ctx, "changes.read")
	defer func() { end(sp, err) }()
	res, err := readScript.Run(ctx, l.s.rdb, l.keys(conn)[:2], strconv.FormatUint(after, 10), limit,
		strconv.FormatUint(changes.FirstPosition(l.s.now()), 10)).StringSlice()
	if err != nil {
		return nil, 0, l.s.wrap(err)
	}
	if len(res) < 3 || len(res)%2 != 1 {
		return nil, 0, errors.New("change log script: unexpected reply")
	}
	if head, err = strconv.ParseUint(res[0], 10, 64); err != nil {
		return nil, 0, errors.New("change log script: bad head")
	}
	if res[2] == "1" {
		return nil, head, changes.ErrGone
	}
	out := make([]changes.Entry, 0, (len(res)-3)/2)
	for i := 3; i+1 < len(res); i += 2 {
		id, _, _ := strings.Cut(res[i], "-")
		pos, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return nil, head, errors.New("change log: bad entry id " + res[i])
		}
		var e changes.Event
		if err := json.Unmarshal([]byte(res[i+1]), &e); err != nil {
			return nil, head, errors.New("change log: bad entry at " + res[i])
		}
		out = append(out, changes.Entry{Pos: pos, Event: e})
	}
	return out, head, nil
}

// Changed implements changes.Notifier: the channel is closed by the next notice of a recording
// on conn (from any replica, once Run runs), or within Poll.
func (l *ChangeLog) Changed(conn string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.wake[conn]
	if c == nil {
		c = make(chan struct{})
		l.wake[conn] = c
	}
	return c
}

// wakeUp closes the channels of conn (all connections when conn is "").
func (l *ChangeLog) wakeUp(conn string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for name, c := range l.wake {
		if conn == "" || name == conn {
			close(c)
			delete(l.wake, name)
		}
	}
}

// Run relays the recordings' notices to this replica's watchers until ctx ends, and wakes them
// all every Poll whatever arrives (a notice can be lost while the subscription reconnects).
func (l *ChangeLog) Run(ctx context.Context) {
	prefix := l.channel() + ":"
	sub := l.s.rdb.PSubscribe(ctx, prefix+"*")
	defer sub.Close()
	msgs := sub.Channel()
	tick := time.NewTicker(l.o.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			l.wakeUp("")
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			l.wakeUp(strings.TrimPrefix(m.Channel, prefix))
		case <-tick.C:
			l.wakeUp("")
		}
	}
}
