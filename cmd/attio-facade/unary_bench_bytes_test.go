package main

import (
	"bytes"
	be "encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// The benchmark's callers that only read the answer's bytes. "Added latency" is what a hop adds
// for a caller doing the same with the answer: the direct and proxy callers read Attio's JSON
// without decoding it, so these read the facade's protobuf without decoding it either. The typed
// callers (connect-go, reflection-based proto.Unmarshal in this process) are measured too, as what a
// Go caller sees end to end; the difference between the two is the caller's own work, which a
// proxy's caller would pay in JSON decoding instead.

// readAnswer reads a whole answer into buf (reused between calls, as a pooled client would) and
// checks that it is a 200 carrying the record asked for, so that a benchmark of errors cannot
// pass for one of answers.
func readAnswer(res *http.Response, buf *bytes.Buffer) error {
	defer res.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", res.StatusCode, buf.Bytes())
	}
	if !bytes.Contains(buf.Bytes(), []byte(loadAdaID)) {
		return fmt.Errorf("the answer does not carry record %s: %.200q", loadAdaID, buf.Bytes())
	}
	return nil
}

// getBytes GETs the record from an Attio-shaped base URL (the sandbox, or the proxy in front of it).
func getBytes(base, apiKey string) func() error {
	return getOver(&http.Transport{MaxIdleConnsPerHost: 4}, base, apiKey, new(bytes.Buffer))
}

// getH2C is getBytes over HTTP/2 without TLS (prior knowledge, as gRPC callers connect): what a
// bare HTTP/2 hop adds, against the facade's gRPC targets.
func getH2C(base, apiKey string) func() error {
	tr := &http.Transport{MaxIdleConnsPerHost: 4, Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	return getOver(tr, base, apiKey, new(bytes.Buffer))
}

// getOver is getBytes over the transport tr, reading the answer into buf.
func getOver(tr *http.Transport, base, apiKey string, buf *bytes.Buffer) func() error {
	hc := &http.Client{Transport: tr}
	url := base + "/objects/people/records/" + loadAdaID
	h2 := tr.Protocols != nil && tr.Protocols.UnencryptedHTTP2()
	return func() error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+apiKey)
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		if h2 != (res.ProtoMajor == 2) {
			res.Body.Close()
			return fmt.Errorf("answered over %s", res.Proto) // not the hop this target measures
		}
		return readAnswer(res, buf)
	}
}

// getDecoded GETs the record as getBytes does and decodes Attio's answer with encoding/json into a
// map[string]any (issue 16's yardstick decoder): a caller of Attio (or of the proxy) that wants the
// record's data, as the facade's typed callers get it decoded.
func getDecoded(base, apiKey string) func() error {
	var buf bytes.Buffer
	get := getOver(&http.Transport{MaxIdleConnsPerHost: 4}, base, apiKey, &buf)
	return func() error {
		if err := get(); err != nil {
			return err
		}
		var answer map[string]any
		if err := json.Unmarshal(buf.Bytes(), &answer); err != nil {
			return err
		}
		data, _ := answer["data"].(map[string]any)
		id, _ := data["id"].(map[string]any)
		if id["record_id"] != loadAdaID {
			return fmt.Errorf("decoded record %v", id)
		}
		return nil
	}
}

// rpcBytes calls the facade's GetRecord as the Connect protocol (HTTP/1.1, binary) or gRPC (h2c)
// defines it on the wire, and reads the answer's bytes without decoding them.
func rpcBytes(tb testing.TB, base string, grpc bool) func() error {
	tb.Helper()
	msg, err := proto.Marshal(&attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID})
	if err != nil {
		tb.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	contentType, body := "application/proto", msg
	if grpc {
		tr.Protocols = new(http.Protocols)
		tr.Protocols.SetUnencryptedHTTP2(true)
		contentType = "application/grpc"
		body = be.BigEndian.AppendUint32([]byte{0}, uint32(len(msg))) // uncompressed, then the length
		body = append(body, msg...)
	}
	hc := &http.Client{Transport: tr}
	url := base + attiov1connect.RecordServiceGetRecordProcedure
	var buf bytes.Buffer
	return func() error {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+loadReaderKey)
		if grpc {
			req.Header.Set("Te", "trailers")
		} else {
			req.Header.Set("Connect-Protocol-Version", "1")
		}
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		if err := readAnswer(res, &buf); err != nil {
			return err
		}
		if grpc {
			// The status comes after the body, in the trailers (in the headers for an error
			// without a body).
			status := res.Trailer.Get("Grpc-Status")
			if status == "" {
				status = res.Header.Get("Grpc-Status")
			}
			if status != "0" {
				return fmt.Errorf("grpc-status %q: %s", status, res.Trailer.Get("Grpc-Message"))
			}
		}
		return nil
	}
}

// grpcGoBytes fetches the record with grpc-go's client, as grpcGoGet does, but reads the answer's
// bytes (a codec that does not decode): grpc-go's transport without protobuf-go's decode, so that
// grpcGoGet's difference from it is the caller's decode alone.
func grpcGoBytes(tb testing.TB, url string) func() error {
	tb.Helper()
	cc, ctx := grpcGoConn(tb, url, grpc.WithDefaultCallOptions(grpc.ForceCodecV2(testkit.BytesCodec{})))
	req, err := proto.Marshal(&attiov1.GetRecordRequest{Object: "people", RecordId: loadAdaID})
	if err != nil {
		tb.Fatal(err)
	}
	return func() error {
		var res []byte
		if err := cc.Invoke(ctx, attiov1connect.RecordServiceGetRecordProcedure, &req, &res); err != nil {
			return err
		}
		if !bytes.Contains(res, []byte(loadAdaID)) {
			return fmt.Errorf("the answer does not carry record %s: %.200q", loadAdaID, res)
		}
		return nil
	}
}
