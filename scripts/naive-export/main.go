// Command naive-export is the comparison for scripts/bench-e2e.sh: what connectors and Maton's
// examples do to export an object, one limit/offset page after the other, each record written out
// as a JSON line. It stops after -pages pages (its rate is steady from the first page on) and
// prints records, seconds and records/s.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8090/attio/v2", "Attio base URL (Maton's or direct)")
	key := flag.String("key", "sandbox-maton-api-key", "bearer key")
	object := flag.String("object", "people", "object to export")
	limit := flag.Int("limit", 500, "records per page")
	pages := flag.Int("pages", 20, "pages to fetch at most")
	out := flag.String("out", os.DevNull, "JSON Lines output")
	flag.Parse()
	if err := run(*base, *key, *object, *limit, *pages, *out); err != nil {
		fmt.Fprintln(os.Stderr, "naive-export:", err)
		os.Exit(1)
	}
}

func run(base, key, object string, limit, pages int, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	n := 0
	t0 := time.Now()
	for offset, p := 0, 0; p < pages; p++ {
		body, _ := json.Marshal(map[string]int{"limit": limit, "offset": offset})
		req, err := http.NewRequest(http.MethodPost, base+"/objects/"+object+"/records/query", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("page at offset %d: status %d: %.200s", offset, res.StatusCode, raw)
		}
		var page struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(raw, &page); err != nil {
			return err
		}
		for _, r := range page.Data {
			w.Write(r)
			w.WriteByte('\n')
		}
		n += len(page.Data)
		offset += len(page.Data)
		if len(page.Data) < limit {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	el := time.Since(t0).Seconds()
	fmt.Printf("naive: %d records in %.2fs: %.0f records/s\n", n, el, float64(n)/el)
	return nil
}
