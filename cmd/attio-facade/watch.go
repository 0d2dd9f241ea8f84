package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// watchConfig is the watch subcommand's flags.
type watchConfig struct {
	addr, object, list, since, state, token, connection, filter string
	heartbeats                                                  bool
	maxRetries                                                  int
	retryWait                                                   time.Duration
}

// watchState is what --state keeps: the token of the last line printed (or heartbeat received).
type watchState struct {
	Token string `json:"change_token"`
}

// runWatch prints the changes of an object (--object) or a list (--list) as JSON Lines, one
// protojson attio.v1.RecordChange (attio.v1.EntryChange) per line, until interrupted. When the
// stream breaks (the facade restarts or drains, the network drops, the caller looked stalled) it
// watches again from the token of the last message it received, so nothing after it is missed;
// a change may then come twice (at-least-once: dedupe on change_id). With --state, that token is
// also saved after every line and read back at the start, so a new run continues where the last
// one stopped.
func runWatch(ctx context.Context, args []string, env environment) error {
	var cfg watchConfig
	f := newEnvFlags("watch", env.getenv)
	f.str(&cfg.addr, "addr", "ATTIO_FACADE_ADDR", "127.0.0.1:8080", "the facade's address (host:port or URL); an unspecified host (0.0.0.0, ::) means this machine")
	f.str(&cfg.object, "object", "ATTIO_FACADE_WATCH_OBJECT", "", "object to watch (slug or id)")
	f.str(&cfg.list, "list", "ATTIO_FACADE_WATCH_LIST", "", "list to watch (slug or id), instead of --object")
	f.str(&cfg.since, "since", "ATTIO_FACADE_WATCH_SINCE", "", "change token to start after (default: from now, or the --state file's)")
	f.str(&cfg.state, "state", "ATTIO_FACADE_WATCH_STATE", "", "file keeping the last change token: read at the start, replaced after every line")
	f.str(&cfg.connection, "connection", "ATTIO_FACADE_WATCH_CONNECTION", "", "Maton connection id (Maton-Connection header); empty for the default")
	f.str(&cfg.filter, "filter", "ATTIO_FACADE_WATCH_FILTER", "", "filter as protojson of attio.v1.Filter (evaluated on each changed record, see docs/changes.md)")
	f.boolean(&cfg.heartbeats, "heartbeats", "ATTIO_FACADE_WATCH_HEARTBEATS", false, "print heartbeats too, as protojson of attio.v1.ChangeHeartbeat lines")
	f.integer(&cfg.maxRetries, "max-retries", "ATTIO_FACADE_WATCH_MAX_RETRIES", 10, "reconnections in a row after a transient error (Unavailable, DeadlineExceeded, ResourceExhausted with RetryInfo) without a message in between", atLeast(0))
	f.duration(&cfg.retryWait, "retry-wait", "ATTIO_FACADE_WATCH_RETRY_WAIT", time.Second, "wait before the first reconnection; doubles per retry up to 30s (a RetryInfo delay from the facade wins)")
	f.StringVar(&cfg.token, "token", "", "bearer token for the facade (env ATTIO_FACADE_TOKEN)")
	if err := f.parse(args); err != nil {
		return err
	}
	if cfg.token == "" {
		cfg.token = env.getenv("ATTIO_FACADE_TOKEN")
	}
	if (cfg.object == "") == (cfg.list == "") {
		return usageError{errors.New("watch: give exactly one of --object and --list")}
	}
	var filter *attiov1.Filter
	if cfg.filter != "" {
		filter = &attiov1.Filter{}
		if err := protojson.Unmarshal([]byte(cfg.filter), filter); err != nil {
			return usageError{fmt.Errorf("watch: --filter: %w", err)}
		}
	}
	token := cfg.since
	if cfg.state != "" && token == "" {
		var st watchState
		if err := readJSONFile(cfg.state, &st); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("watch: --state: %w", err)
		}
		token = st.Token
	}

	client := attiov1connect.NewChangeServiceClient(facadeClient(cfg.addr))
	ctx, info := connect.NewClientContext(ctx)
	if cfg.token != "" {
		info.RequestHeader().Set("Authorization", "Bearer "+cfg.token)
	}
	if cfg.connection != "" {
		info.RequestHeader().Set("Maton-Connection", cfg.connection)
	}
	out := bufio.NewWriter(env.stdout)
	var delivered bool
	// onMessage prints m (a change, or a heartbeat with --heartbeats), then moves the token on.
	onMessage := func(m proto.Message, next string, print bool) error {
		delivered = true
		if print {
			b, err := jsonLine.Marshal(m)
			if err != nil {
				return err
			}
			if _, err := out.Write(append(b, '\n')); err != nil {
				return err
			}
			if err := out.Flush(); err != nil {
				return err
			}
		}
		token = next
		if cfg.state != "" && print {
			return writeFileAtomic(cfg.state, watchState{Token: token})
		}
		return nil
	}
	once := func() error {
		if cfg.object != "" {
			s, err := client.WatchRecords(ctx, &attiov1.WatchRecordsRequest{Object: cfg.object, Filter: filter, ResumeToken: token})
			if err != nil {
				return err
			}
			defer s.Close()
			return drainWatch(s.Receive, func(m *attiov1.WatchRecordsResponse) error {
				if c := m.GetChange(); c != nil {
					return onMessage(c, c.GetChangeToken(), true)
				}
				return onMessage(m.GetHeartbeat(), m.GetHeartbeat().GetChangeToken(), cfg.heartbeats)
			})
		}
		s, err := client.WatchEntries(ctx, &attiov1.WatchEntriesRequest{List: cfg.list, Filter: filter, ResumeToken: token})
		if err != nil {
			return err
		}
		defer s.Close()
		return drainWatch(s.Receive, func(m *attiov1.WatchEntriesResponse) error {
			if c := m.GetChange(); c != nil {
				return onMessage(c, c.GetChangeToken(), true)
			}
			return onMessage(m.GetHeartbeat(), m.GetHeartbeat().GetChangeToken(), cfg.heartbeats)
		})
	}
	err := retryTransient(ctx, once, &delivered, retryPolicy{"watch", "from the last change token", cfg.maxRetries, cfg.retryWait}, env)
	if ctx.Err() != nil {
		return nil // interrupted: the normal end of a watch
	}
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	return nil
}

// errWatchEnded: the facade ended a watch without an error, which it only does for a caller that
// left; anything else (a proxy closing the stream) is worth watching again.
var errWatchEnded = connect.NewError(connect.CodeUnavailable, "the watch stream ended")

// drainWatch reads a watch until it fails.
func drainWatch[R any](receive func() (R, error), on func(R) error) error {
	for {
		m, err := receive()
		if errors.Is(err, io.EOF) {
			return errWatchEnded
		}
		if err != nil {
			return err
		}
		if err := on(m); err != nil {
			return err
		}
	}
}

// readJSONFile decodes path's JSON into v.
func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
