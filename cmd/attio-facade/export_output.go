package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// exportOutput is where items go: stdout, or a file opened at the first write, so an export that
// fails before delivering anything leaves no empty file behind (and an earlier file untouched).
// It counts the bytes of the output, which the state file records for --resume.
type exportOutput struct {
	path   string    // "" for w
	w      io.Writer // stdout when path is ""
	resume bool      // cut the file back to n instead of truncating it
	n      int64
	file   *os.File
}

func (o *exportOutput) Write(p []byte) (int, error) {
	if err := o.open(); err != nil {
		return 0, err
	}
	n, err := o.w.Write(p)
	o.n += int64(n)
	return n, err
}

// open opens the file once: truncated for a fresh export, cut back to the last saved batch
// (anything after it would otherwise appear twice) for a resumed one.
func (o *exportOutput) open() error {
	if o.path == "" || o.file != nil {
		return nil
	}
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if o.resume {
		flags = os.O_CREATE | os.O_WRONLY
	}
	f, err := os.OpenFile(o.path, flags, 0o644)
	if err != nil {
		return err
	}
	if o.resume && isRegular(f) {
		if err := f.Truncate(o.n); err != nil {
			f.Close()
			return err
		}
		if _, err := f.Seek(o.n, io.SeekStart); err != nil {
			f.Close()
			return err
		}
	}
	o.file, o.w = f, f
	return nil
}

// sync makes the written batches durable before the state file says they are. Only regular
// files: devices and pipes (--out /dev/null) cannot be synced and need not be.
func (o *exportOutput) sync() error {
	if o.file == nil || !isRegular(o.file) {
		return nil
	}
	return o.file.Sync()
}

func (o *exportOutput) close() error {
	if o.file == nil {
		return nil
	}
	return o.file.Close()
}

func isRegular(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// defaultStatePath is <out>.resume for a regular (or not yet existing) output file; a device or
// pipe has no place beside it for state, so it gets none.
func defaultStatePath(out string) string {
	if out == "" || out == "-" {
		return ""
	}
	if fi, err := os.Stat(out); err == nil && !fi.Mode().IsRegular() {
		return ""
	}
	return out + ".resume"
}

// readState reads the state file for --resume.
func readState(path string) (exportState, error) {
	var st exportState
	b, err := os.ReadFile(path)
	if err != nil {
		return st, fmt.Errorf("--resume: no saved export to continue: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("--resume: state file %s is not valid: %w", path, err)
	}
	return st, nil
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
