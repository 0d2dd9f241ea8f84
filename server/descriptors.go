package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DescriptorPath is where the facade publishes its contract as one FileDescriptorSet
// (descriptors/attio-v1.binpb in the repository). The path is stable: tools and clients that
// build requests at run time (buf curl --schema, grpcurl -protoset, protobuf-es registries, the
// console) fetch it instead of checking out proto/.
const DescriptorPath = "/descriptors/attio-v1.binpb"

// DescriptorMediaType names the payload; the parameter tells readers which message to decode.
const DescriptorMediaType = "application/x-protobuf; messageType=google.protobuf.FileDescriptorSet"

// DescriptorHandler serves set (a serialized FileDescriptorSet) to anyone, like reflection: it
// says nothing reflection does not. It is built once, so each request costs no compression:
// gzip-accepting callers get a precompressed copy (about a third of the size), others the
// identity bytes with Range support. Strong ETags per encoding make revalidation a 304; no-cache
// makes every use revalidate, since a deploy may change the contract behind the same path.
func DescriptorHandler(set []byte) http.Handler {
	var zipped bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zipped, gzip.BestCompression) // the level is valid: no error
	zw.Write(set)
	zw.Close()
	sum := sha256.Sum256(set)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	gzipETag := `"` + hex.EncodeToString(sum[:16]) + `-gzip"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: GET the descriptor set", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", DescriptorMediaType)
		h.Set("Cache-Control", "no-cache")
		h.Set("Vary", "Accept-Encoding")
		h.Set("X-Content-Type-Options", "nosniff")
		body, tag := set, etag
		if r.Header.Get("Range") == "" && acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, tag = zipped.Bytes(), gzipETag
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("ETag", tag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip reports whether an Accept-Encoding value admits gzip (q=0 refuses it).
func acceptsGzip(v string) bool {
	for part := range strings.SplitSeq(v, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			f, err := strconv.ParseFloat(q, 64)
			return err == nil && f > 0
		}
		return true
	}
	return false
}
