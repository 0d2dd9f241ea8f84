package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/protocodec"
)

// exportConfig is the export subcommand's flags.
type exportConfig struct {
	addr, object, list, format, out, state, token, connection, filter string
	compression, view                                                 string
	pageSize, parallelism, maxRetries                                 int
	resume                                                            bool
	progressEvery, retryWait                                          time.Duration
}

// exportState is what --resume reads back: written atomically after every flushed batch.
type exportState struct {
	Token   string   `json:"resume_token"`
	Size    int64    `json:"output_bytes"`      // output size after that batch: a resume cuts anything after it
	Columns []string `json:"columns,omitempty"` // CSV header, so a resumed file keeps its columns
	Items   int64    `json:"items"`
	View    string   `json:"view,omitempty"` // attio or typed; empty in state files from before views: typed
}

// runExport exports an object (--object) or a list (--list) through a running facade, like any
// other client of its ExportService, to JSON Lines or CSV.
//
// JSON Lines: one record (or entry) per line, protojson of attio.v1.Record (attio.v1.Entry).
// CSV: one row per item. Columns: record_id and created_at (entries: entry_id, parent_record_id,
// parent_object, created_at), then one column per attribute slug, sorted, taken from the first
// batch (Attio returns every attribute of the object on every record). A cell is the display text
// of the attribute's current values joined by "; " (attio.ValueText).
//
// Resuming: after each batch is written and flushed, the batch's resume token, the output size
// and the CSV columns go to the state file (<out>.resume unless --state), atomically. --resume
// reads it, cuts the output back to that size (a batch written after the last saved state would
// otherwise appear twice) and continues the export from the token. Transient errors are retried
// in the same way, from the last batch's token, up to --max-retries times in a row.
func runExport(ctx context.Context, args []string, env environment) error {
	var cfg exportConfig
	f := newEnvFlags("export", env.getenv)
	f.str(&cfg.addr, "addr", "ATTIO_FACADE_ADDR", "127.0.0.1:8080", "the facade's address (host:port or URL); an unspecified host (0.0.0.0, ::) means this machine")
	f.str(&cfg.object, "object", "ATTIO_FACADE_EXPORT_OBJECT", "", "object to export (slug or id)")
	f.str(&cfg.list, "list", "ATTIO_FACADE_EXPORT_LIST", "", "list to export (slug or id), instead of --object")
	f.str(&cfg.format, "format", "ATTIO_FACADE_EXPORT_FORMAT", "jsonl", "output format: jsonl or csv")
	f.str(&cfg.out, "out", "ATTIO_FACADE_EXPORT_OUT", "", "output file (default stdout)")
	f.str(&cfg.state, "state", "ATTIO_FACADE_EXPORT_STATE", "", "resume state file (default <out>.resume)")
	f.str(&cfg.connection, "connection", "ATTIO_FACADE_EXPORT_CONNECTION", "", "Maton connection id (Maton-Connection header); empty for the default")
	f.str(&cfg.compression, "compression", "ATTIO_FACADE_EXPORT_COMPRESSION", "auto", "stream compression the export accepts: auto (none on loopback, else zstd), zstd (gzip if the facade has no zstd), gzip or none")
	f.str(&cfg.view, "view", "ATTIO_FACADE_EXPORT_VIEW", "", "what a JSON line holds: attio (Attio's own JSON of each record, verbatim; the default for jsonl) or typed (protojson of attio.v1.Record; CSV is always typed)")
	f.str(&cfg.filter, "filter", "ATTIO_FACADE_EXPORT_FILTER", "", "filter as protojson of attio.v1.Filter")
	f.boolean(&cfg.resume, "resume", "ATTIO_FACADE_EXPORT_RESUME", false, "continue the export recorded in the state file")
	f.duration(&cfg.progressEvery, "progress-every", "ATTIO_FACADE_EXPORT_PROGRESS_EVERY", 5*time.Second, "interval of progress log lines when stderr is not a terminal")
	f.integer(&cfg.pageSize, "page-size", "ATTIO_FACADE_EXPORT_PAGE_SIZE", 500, "items per upstream page", between(1, 500))
	f.integer(&cfg.parallelism, "parallelism", "ATTIO_FACADE_EXPORT_PARALLELISM", 0, "upstream requests in flight (0: the facade picks)", between(0, 64))
	f.integer(&cfg.maxRetries, "max-retries", "ATTIO_FACADE_EXPORT_MAX_RETRIES", 5, "retries in a row of a transient error (Unavailable, DeadlineExceeded, ResourceExhausted with RetryInfo), each from the last batch", atLeast(0))
	f.duration(&cfg.retryWait, "retry-wait", "ATTIO_FACADE_EXPORT_RETRY_WAIT", time.Second, "wait before the first retry; doubles per retry up to 30s (a RetryInfo delay from the facade wins)")
	// Prefer the environment for the caller's credential (flags show in the process table); the
	// flag's default stays empty so -h never prints the token.
	f.StringVar(&cfg.token, "token", "", "bearer token for the facade (env ATTIO_FACADE_TOKEN)")
	if err := f.parse(args); err != nil {
		return err
	}
	if cfg.token == "" {
		cfg.token = env.getenv("ATTIO_FACADE_TOKEN")
	}
	if (cfg.object == "") == (cfg.list == "") {
		return usageError{errors.New("export: give exactly one of --object and --list")}
	}
	if cfg.format != "jsonl" && cfg.format != "csv" {
		return usageError{fmt.Errorf("export: --format %q: want jsonl or csv", cfg.format)}
	}
	compressors, err := exportCompressors(cfg.compression, facadeURL(cfg.addr))
	if err != nil {
		return usageError{err}
	}
	if cfg.state == "" {
		cfg.state = defaultStatePath(cfg.out)
	}
	if cfg.resume && cfg.state == "" {
		return usageError{errors.New("export: --resume needs --out (a regular file) or --state to know where the last token is")}
	}
	var filter *attiov1.Filter
	if cfg.filter != "" {
		filter = &attiov1.Filter{}
		if err := protojson.Unmarshal([]byte(cfg.filter), filter); err != nil {
			return usageError{fmt.Errorf("export: --filter: %w", err)}
		}
	}

	var st exportState
	if cfg.resume {
		var err error
		if st, err = readState(cfg.state); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	view, err := exportView(cfg.view, cfg.format, cfg.resume, st.View)
	if err != nil {
		return usageError{err}
	}
	// saved: a state file of this export exists, so --resume can continue it.
	saved := cfg.resume

	out := &exportOutput{w: env.stdout, resume: cfg.resume, n: st.Size}
	if cfg.out != "" && cfg.out != "-" {
		out.path = cfg.out
	}
	defer out.close()
	buf := bufio.NewWriterSize(out, 1<<20)
	w := &exportWriter{format: cfg.format, buf: buf, columns: st.Columns, entries: cfg.list != ""}
	if cfg.format == "csv" {
		w.csv = csv.NewWriter(buf)
	}

	prog := newProgressReporter(env.stderr, isTerminal(env.stderr), cfg.progressEvery, st.Items)
	saveState := func(token string, items int64) error {
		if err := buf.Flush(); err != nil {
			return err
		}
		if err := out.sync(); err != nil {
			return err
		}
		st = exportState{Token: token, Size: out.n, Columns: w.columns, Items: items, View: view}
		if cfg.state == "" {
			return nil
		}
		if err := writeFileAtomic(cfg.state, st); err != nil {
			return err
		}
		saved = true
		return nil
	}

	client := newExportClient(cfg, compressors)
	ctx, info := connect.NewClientContext(ctx)
	if cfg.token != "" {
		info.RequestHeader().Set("Authorization", "Bearer "+cfg.token)
	}
	if cfg.connection != "" {
		info.RequestHeader().Set("Maton-Connection", cfg.connection)
	}
	items := st.Items
	var delivered bool // since the last error
	onBatch := func(b exportBatch) error {
		for _, m := range b.msgs {
			if err := w.write(m); err != nil {
				return err
			}
		}
		for _, item := range b.raw {
			if err := w.writeRaw(item); err != nil {
				return err
			}
		}
		items += int64(b.len())
		delivered = true
		prog.items(items)
		return saveState(b.token, items)
	}
	once := func() error {
		if cfg.object != "" {
			return exportRecords(ctx, client, &attiov1.ExportRecordsRequest{Object: cfg.object, Filter: filter,
				PageSize: int32(cfg.pageSize), Parallelism: int32(cfg.parallelism), ResumeToken: st.Token,
				View: viewProto(view)}, onBatch, prog.server)
		}
		return exportEntries(ctx, client, &attiov1.ExportEntriesRequest{List: cfg.list, Filter: filter,
			PageSize: int32(cfg.pageSize), Parallelism: int32(cfg.parallelism), ResumeToken: st.Token,
			View: viewProto(view)}, onBatch, prog.server)
	}
	err = retryTransient(ctx, once, &delivered, retryPolicy{"export", "from the last batch", cfg.maxRetries, cfg.retryWait}, env)
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		err = out.open() // an export of nothing still leaves its (empty) file, and a resume its cut
	}
	prog.finish(err == nil)
	if err != nil {
		// --resume only helps when there is a saved state and the cause may pass: an interrupt or
		// a transient error that outlasted the retries.
		if saved && (transient(err) || ctx.Err() != nil) {
			return fmt.Errorf("export: %w (continue with --resume)", err)
		}
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// retryPolicy is how a client subcommand repeats a call after a transient error.
type retryPolicy struct {
	name, from string // the subcommand, and where a retry continues (for the log line)
	max        int
	wait       time.Duration
}

// retryTransient runs once until it succeeds, fails for good, or a transient error comes more
// than p.max times in a row (a call that delivered something, which *delivered reports, starts
// the count again). Each call continues from the last token it was given.
func retryTransient(ctx context.Context, once func() error, delivered *bool, p retryPolicy, env environment) error {
	for n := 0; ; {
		*delivered = false
		err := once()
		if err == nil || ctx.Err() != nil || !transient(err) {
			return err
		}
		if *delivered {
			n = 0
		}
		if n++; n > p.max {
			return err
		}
		wait := retryWait(err, p.wait, n)
		fmt.Fprintf(env.stderr, "%s: %v; retry %d of %d in %s, %s\n", p.name, err, n, p.max, wait, p.from)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

func newExportClient(cfg exportConfig, compressors []connect.Compressor) attiov1connect.ExportServiceClient {
	return attiov1connect.NewExportServiceClient(facadeClient(cfg.addr, connecthttp.WithCompressors(compressors...)))
}

// facadeClient is a Connect client of the facade at addr, for the client subcommands. It decodes
// with generated code (protocodec), not protobuf-go's reflection.
func facadeClient(addr string, opts ...connecthttp.Option) *connect.Client {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(false)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, Protocols: protocols, ForceAttemptHTTP2: true}}
	opts = append([]connecthttp.Option{connecthttp.WithCodecs(protocodec.New())}, opts...)
	return connect.NewClient(connecthttp.NewTransport(hc, facadeURL(addr), opts...))
}

func exportRecords(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportRecordsRequest,
	onBatch func(exportBatch) error, onProgress func(*attiov1.ExportProgress)) error {
	stream, err := c.ExportRecords(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	return drainExport(stream.Receive, func(m *attiov1.ExportRecordsResponse) (exportBatch, bool) {
		b := m.GetBatch()
		return exportBatch{msgs: asMessages(b.GetRecords()), raw: b.GetAttioJson(), token: b.GetResumeToken()}, b != nil
	}, onBatch, onProgress)
}

func exportEntries(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportEntriesRequest,
	onBatch func(exportBatch) error, onProgress func(*attiov1.ExportProgress)) error {
	stream, err := c.ExportEntries(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	return drainExport(stream.Receive, func(m *attiov1.ExportEntriesResponse) (exportBatch, bool) {
		b := m.GetBatch()
		return exportBatch{msgs: asMessages(b.GetEntries()), raw: b.GetAttioJson(), token: b.GetResumeToken()}, b != nil
	}, onBatch, onProgress)
}

// drainExport reads an export stream to its end: batches (as batch splits them out of a message)
// go to onBatch, progress reports to onProgress.
func drainExport[R interface {
	GetProgress() *attiov1.ExportProgress
}](receive func() (R, error),
	batch func(R) (exportBatch, bool),
	onBatch func(exportBatch) error, onProgress func(*attiov1.ExportProgress),
) error {
	for {
		msg, err := receive()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if b, ok := batch(msg); ok {
			if err := onBatch(b); err != nil {
				return err
			}
		}
		if p := msg.GetProgress(); p != nil {
			onProgress(p)
		}
	}
}

func asMessages[T proto.Message](xs []T) []proto.Message {
	out := make([]proto.Message, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// exportWriter renders items as JSON Lines or CSV.
type exportWriter struct {
	format  string
	buf     *bufio.Writer
	csv     *csv.Writer
	columns []string // CSV attribute columns, fixed by the first batch
	entries bool
	line    []byte // the JSON line being written
}

var jsonLine = protojson.MarshalOptions{}

func (w *exportWriter) write(m proto.Message) error {
	if w.format == "jsonl" {
		b, err := jsonLine.MarshalAppend(w.line[:0], m)
		if err != nil {
			return err
		}
		w.line = append(b, '\n') // kept: the next record reuses its bytes
		_, err = w.buf.Write(w.line)
		return err
	}
	var fixed []string
	var values map[string]*attiov1.ValueList
	switch x := m.(type) {
	case *attiov1.Record:
		fixed = []string{x.GetId().GetRecordId(), formatTimestamp(x.GetCreatedAt().AsTime())}
		values = x.GetValues()
	case *attiov1.Entry:
		fixed = []string{x.GetId().GetEntryId(), x.GetParentRecordId(), x.GetParentObject(), formatTimestamp(x.GetCreatedAt().AsTime())}
		values = x.GetEntryValues()
	}
	if w.columns == nil {
		head := []string{"record_id", "created_at"}
		if w.entries {
			head = []string{"entry_id", "parent_record_id", "parent_object", "created_at"}
		}
		// Attio also has record_id and created_at as system attributes: one column each.
		w.columns = make([]string, 0, len(values))
		for k := range values {
			if !slices.Contains(head, k) {
				w.columns = append(w.columns, k)
			}
		}
		slices.Sort(w.columns)
		if err := w.csv.Write(append(head, w.columns...)); err != nil {
			return err
		}
	}
	row := fixed
	for _, c := range w.columns {
		row = append(row, displayText(values[c]))
	}
	if err := w.csv.Write(row); err != nil {
		return err
	}
	w.csv.Flush()
	return w.csv.Error()
}

func formatTimestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// displayText flattens an attribute's current values into one cell.
func displayText(l *attiov1.ValueList) string {
	var parts []string
	for _, v := range l.GetValues() {
		if v.GetActiveUntil() != nil {
			continue // historic
		}
		if s := attio.ValueText(v); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}
