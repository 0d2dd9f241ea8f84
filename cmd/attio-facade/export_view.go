package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// The export's views (--view): what a JSON line holds.
const (
	viewAttio = "attio" // Attio's own JSON of the record (entry), passed through verbatim
	viewTyped = "typed" // protojson of attio.v1.Record (attio.v1.Entry)
)

// exportView picks the view of an export: --view if given, else the one a resumed export was
// started with (state files from before views existed are typed), else attio for JSON Lines
// (the facade only scans Attio's JSON and the exporter only copies it: no decoding, no protojson)
// and typed for CSV (its cells are the typed values' display text).
func exportView(flag, format string, resume bool, saved string) (string, error) {
	if resume && saved == "" {
		saved = viewTyped
	}
	view := flag
	switch {
	case view == "" && resume:
		view = saved
	case view == "" && format == "csv":
		view = viewTyped
	case view == "":
		view = viewAttio
	}
	switch {
	case view != viewAttio && view != viewTyped:
		return "", fmt.Errorf("export: --view %q: want attio or typed", view)
	case view == viewAttio && format == "csv":
		return "", errors.New("export: --view attio needs --format jsonl (CSV cells come from the typed values)")
	case resume && view != saved:
		return "", fmt.Errorf("export: --view %s: the export being resumed was written with --view %s", view, saved)
	}
	return view, nil
}

func viewProto(view string) attiov1.View {
	if view == viewAttio {
		return attiov1.View_VIEW_ATTIO_JSON
	}
	return attiov1.View_VIEW_TYPED
}

// exportBatch is one batch of an export: typed messages, or Attio's JSON of each item.
type exportBatch struct {
	msgs  []proto.Message
	raw   [][]byte
	token string
}

func (b exportBatch) len() int { return len(b.msgs) + len(b.raw) }

// writeRaw writes one item of Attio's JSON as a line. The facade checked it is one JSON object;
// an upstream that pretty-prints would put newlines in it, which a JSON line cannot hold.
func (w *exportWriter) writeRaw(item []byte) error {
	if bytes.IndexByte(item, '\n') >= 0 || bytes.IndexByte(item, '\r') >= 0 {
		var c bytes.Buffer
		if err := json.Compact(&c, item); err != nil {
			return fmt.Errorf("item from the facade is not JSON: %w", err)
		}
		item = c.Bytes()
	}
	if _, err := w.buf.Write(item); err != nil {
		return err
	}
	return w.buf.WriteByte('\n')
}
