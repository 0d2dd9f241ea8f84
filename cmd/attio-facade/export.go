package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"golang.org/x/term"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/server"
)

// exportConfig is the export subcommand's flags.
type exportConfig struct {
	addr, object, list, format, out, state, token, connection, filter string
	pageSize, parallelism                                             int
	resume                                                            bool
	progressEvery                                                     time.Duration
}

// exportState is what --resume reads back: written atomically after every flushed batch.
type exportState struct {
	Token   string   `json:"resume_token"`
	Size    int64    `json:"output_bytes"`      // output size after that batch: a resume cuts anything after it
	Columns []string `json:"columns,omitempty"` // CSV header, so a resumed file keeps its columns
	Items   int64    `json:"items"`
}

// runExport exports an object (--object) or a list (--list) through a running facade, like any
// other client of its ExportService, to JSON Lines or CSV.
//
// JSON Lines: one record (or entry) per line, protojson of attio.v1.Record (attio.v1.Entry).
// CSV: one row per item. Columns: record_id and created_at (entries: entry_id, parent_record_id,
// parent_object, created_at), then one column per attribute slug, sorted, taken from the first
// batch (Attio returns every attribute of the object on every record). A cell is the display text
// of the attribute's current values joined by "; ": text as is, numbers and currency amounts
// (with their code), dates and timestamps (RFC 3339), select and status titles, record references
// as target record ids, actors as ids, names as the full name, emails, domains, phone numbers,
// locations as their non-empty parts joined by ", ".
//
// Resuming: after each batch is written and flushed, the batch's resume token, the output size
// and the CSV columns go to the state file (<out>.resume unless --state), atomically. --resume
// reads it, cuts the output back to that size (a batch written after the last saved state would
// otherwise appear twice) and continues the export from the token.
func runExport(ctx context.Context, args []string, env environment) error {
	var cfg exportConfig
	f := newEnvFlags("export", env.getenv)
	f.str(&cfg.addr, "addr", "ATTIO_FACADE_URL", "http://127.0.0.1:8080", "facade base URL")
	f.str(&cfg.object, "object", "ATTIO_EXPORT_OBJECT", "", "object to export (slug or id)")
	f.str(&cfg.list, "list", "ATTIO_EXPORT_LIST", "", "list to export (slug or id), instead of --object")
	f.str(&cfg.format, "format", "ATTIO_EXPORT_FORMAT", "jsonl", "output format: jsonl or csv")
	f.str(&cfg.out, "out", "ATTIO_EXPORT_OUT", "", "output file (default stdout)")
	f.str(&cfg.state, "state", "ATTIO_EXPORT_STATE", "", "resume state file (default <out>.resume)")
	f.str(&cfg.connection, "connection", "ATTIO_EXPORT_CONNECTION", "", "Maton connection id (Maton-Connection header); empty for the default")
	f.str(&cfg.filter, "filter", "ATTIO_EXPORT_FILTER", "", "filter as protojson of attio.v1.Filter")
	f.boolean(&cfg.resume, "resume", "ATTIO_EXPORT_RESUME", false, "continue the export recorded in the state file")
	f.duration(&cfg.progressEvery, "progress-every", "ATTIO_EXPORT_PROGRESS_EVERY", 5*time.Second, "interval of progress log lines when stderr is not a terminal")
	var pageSize, parallelism float64
	f.float(&pageSize, "page-size", "ATTIO_EXPORT_PAGE_SIZE", 500, "items per upstream page (1-500)")
	f.float(&parallelism, "parallelism", "ATTIO_EXPORT_PARALLELISM", 0, "upstream requests in flight (0: the facade picks)")
	// Prefer the environment for the caller's credential (flags show in the process table); the
	// flag's default stays empty so -h never prints the token.
	f.StringVar(&cfg.token, "token", "", "bearer token for the facade (env ATTIO_FACADE_TOKEN)")
	if err := f.parse(args); err != nil {
		return err
	}
	if cfg.token == "" {
		cfg.token = env.getenv("ATTIO_FACADE_TOKEN")
	}
	cfg.pageSize, cfg.parallelism = int(pageSize), int(parallelism)
	if (cfg.object == "") == (cfg.list == "") {
		return errors.New("export: give exactly one of --object and --list")
	}
	if cfg.format != "jsonl" && cfg.format != "csv" {
		return fmt.Errorf("export: --format %q: want jsonl or csv", cfg.format)
	}
	if cfg.state == "" && cfg.out != "" && cfg.out != "-" {
		cfg.state = cfg.out + ".resume"
	}
	if cfg.resume && cfg.state == "" {
		return errors.New("export: --resume needs --out (or --state) to know where the last token is")
	}
	var filter *attiov1.Filter
	if cfg.filter != "" {
		filter = &attiov1.Filter{}
		if err := protojson.Unmarshal([]byte(cfg.filter), filter); err != nil {
			return fmt.Errorf("export: --filter: %w", err)
		}
	}

	var st exportState
	if cfg.resume {
		b, err := os.ReadFile(cfg.state)
		if err != nil {
			return fmt.Errorf("export: --resume: %w", err)
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("export: --resume: state file %s is not valid: %w", cfg.state, err)
		}
	}

	// Output: stdout, or a file truncated (fresh) or cut back to the last saved batch (resume).
	var out io.Writer = env.stdout
	var file *os.File
	if cfg.out != "" && cfg.out != "-" {
		flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if cfg.resume {
			flags = os.O_CREATE | os.O_WRONLY
		}
		var err error
		if file, err = os.OpenFile(cfg.out, flags, 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer file.Close()
		if cfg.resume {
			if err := file.Truncate(st.Size); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if _, err := file.Seek(st.Size, io.SeekStart); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		out = file
	}
	counted := &countingWriter{w: out, n: st.Size}
	buf := bufio.NewWriterSize(counted, 1<<20)
	w := &exportWriter{format: cfg.format, buf: buf, columns: st.Columns, entries: cfg.list != ""}
	if cfg.format == "csv" {
		w.csv = csv.NewWriter(buf)
	}

	prog := newProgressReporter(env.stderr, cfg.progressEvery, st.Items)
	defer prog.finish()
	saveState := func(token string, items int64) error {
		if err := buf.Flush(); err != nil {
			return err
		}
		if file != nil {
			if err := file.Sync(); err != nil {
				return err
			}
		}
		st = exportState{Token: token, Size: counted.n, Columns: w.columns, Items: items}
		if cfg.state == "" {
			return nil
		}
		return writeFileAtomic(cfg.state, st)
	}

	client := newExportClient(cfg)
	ctx, info := connect.NewClientContext(ctx)
	if cfg.token != "" {
		info.RequestHeader().Set("Authorization", "Bearer "+cfg.token)
	}
	if cfg.connection != "" {
		info.RequestHeader().Set("Maton-Connection", cfg.connection)
	}
	items := st.Items
	onBatch := func(msgs []proto.Message, token string) error {
		for _, m := range msgs {
			if err := w.write(m); err != nil {
				return err
			}
		}
		items += int64(len(msgs))
		prog.items(items)
		return saveState(token, items)
	}
	var err error
	if cfg.object != "" {
		err = exportRecords(ctx, client, &attiov1.ExportRecordsRequest{Object: cfg.object, Filter: filter,
			PageSize: int32(cfg.pageSize), Parallelism: int32(cfg.parallelism), ResumeToken: st.Token}, onBatch, prog.server)
	} else {
		err = exportEntries(ctx, client, &attiov1.ExportEntriesRequest{List: cfg.list, Filter: filter,
			PageSize: int32(cfg.pageSize), Parallelism: int32(cfg.parallelism), ResumeToken: st.Token}, onBatch, prog.server)
	}
	if ferr := buf.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		if cfg.state != "" {
			return fmt.Errorf("export: %w (continue with --resume)", err)
		}
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

func newExportClient(cfg exportConfig) attiov1connect.ExportServiceClient {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetHTTP2(true)
	protocols.SetUnencryptedHTTP2(false)
	hc := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, Protocols: protocols, ForceAttemptHTTP2: true}}
	return attiov1connect.NewExportServiceClient(connect.NewClient(connecthttp.NewTransport(hc, strings.TrimSuffix(cfg.addr, "/"))))
}

func exportRecords(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportRecordsRequest,
	onBatch func([]proto.Message, string) error, onProgress func(*attiov1.ExportProgress)) error {
	stream, err := c.ExportRecords(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	return drainExport(stream.Receive, func(m *attiov1.ExportRecordsResponse) ([]proto.Message, string, bool) {
		b := m.GetBatch()
		return asMessages(b.GetRecords()), b.GetResumeToken(), b != nil
	}, onBatch, onProgress)
}

func exportEntries(ctx context.Context, c attiov1connect.ExportServiceClient, req *attiov1.ExportEntriesRequest,
	onBatch func([]proto.Message, string) error, onProgress func(*attiov1.ExportProgress)) error {
	stream, err := c.ExportEntries(ctx, req)
	if err != nil {
		return err
	}
	defer stream.Close()
	return drainExport(stream.Receive, func(m *attiov1.ExportEntriesResponse) ([]proto.Message, string, bool) {
		b := m.GetBatch()
		return asMessages(b.GetEntries()), b.GetResumeToken(), b != nil
	}, onBatch, onProgress)
}

// drainExport reads an export stream to its end: batches (as batch splits them out of a message)
// go to onBatch, progress reports to onProgress.
func drainExport[R interface {
	GetProgress() *attiov1.ExportProgress
}](receive func() (R, error),
	batch func(R) (items []proto.Message, token string, ok bool),
	onBatch func([]proto.Message, string) error, onProgress func(*attiov1.ExportProgress),
) error {
	for {
		msg, err := receive()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if items, token, ok := batch(msg); ok {
			if err := onBatch(items, token); err != nil {
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

// writeFileAtomic replaces path with v as JSON: write a temporary file beside it, sync, rename, so
// a crash leaves either the old state or the new one, never half of one.
func writeFileAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// exportWriter renders items as JSON Lines or CSV.
type exportWriter struct {
	format  string
	buf     *bufio.Writer
	csv     *csv.Writer
	columns []string // CSV attribute columns, fixed by the first batch
	entries bool
}

var jsonLine = protojson.MarshalOptions{}

func (w *exportWriter) write(m proto.Message) error {
	if w.format == "jsonl" {
		b, err := jsonLine.Marshal(m)
		if err != nil {
			return err
		}
		b = append(b, '\n')
		_, err = w.buf.Write(b)
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
		if s := server.ValueText(v); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// progressReporter shows how the export goes on stderr: a live line on a terminal, plain log
// lines every interval otherwise (CI logs, redirected output).
type progressReporter struct {
	w        io.Writer
	tty      bool
	every    time.Duration
	start    time.Time
	last     time.Time
	n        int64
	rate     float64
	upstream *attiov1.ExportProgress
}

func newProgressReporter(w io.Writer, every time.Duration, resumedAt int64) *progressReporter {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	now := time.Now()
	return &progressReporter{w: w, tty: tty, every: every, start: now, last: now, n: resumedAt}
}

func (p *progressReporter) server(pr *attiov1.ExportProgress) {
	p.upstream, p.rate = pr, pr.GetItemsPerSecond()
	p.show(pr.GetDone())
}

func (p *progressReporter) items(n int64) {
	p.n = n
	p.show(false)
}

func (p *progressReporter) show(final bool) {
	now := time.Now()
	elapsed := now.Sub(p.start).Round(time.Second)
	if p.tty {
		spin := `|/-\`[int(elapsed/time.Second)%4]
		fmt.Fprintf(p.w, "\r%c %d items  %.0f/s  %s   ", spin, p.n, p.rate, elapsed)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	if !final && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	up := p.upstream
	fmt.Fprintf(p.w, "export: %d items, %.0f items/s, %s elapsed, %d upstream pages, %d upstream requests, %d rate-limited\n",
		p.n, p.rate, elapsed, up.GetPages(), up.GetUpstreamRequests(), up.GetRateLimited())
}

func (p *progressReporter) finish() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
