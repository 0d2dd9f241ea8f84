package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

const testUploadWindow = 4096

func fileHarness(t *testing.T) *harness {
	return newHarness(t, harnessConfig{opts: func(o *server.Options) {
		o.Files = server.FileLimits{UploadWindow: testUploadWindow, DownloadChunk: 1000}
	}})
}

func eachProtocolFiles(t *testing.T, f func(t *testing.T, h *harness, p protocol)) {
	t.Helper()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			f(t, fileHarness(t), p)
		})
	}
}

func adaFiles() *attiov1.FileFilter {
	return &attiov1.FileFilter{Object: "people", RecordId: seedAda}
}

func TestFilesListGetStream(t *testing.T) {
	t.Parallel()
	eachProtocolFiles(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewFileServiceClient(h.rpc(p))
		page, err := c.ListFiles(ctx, &attiov1.ListFilesRequest{Filter: adaFiles(), PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		next, err := c.ListFiles(ctx, &attiov1.ListFilesRequest{Filter: adaFiles(), PageSize: 2, PageToken: page.GetNextPageToken()})
		if err != nil {
			t.Fatal(err)
		}
		all := slices.Concat(page.GetFiles(), next.GetFiles())
		want := []string{sandbox.SeedFolderID, sandbox.SeedFileNDAID, sandbox.SeedFileNotesID, sandbox.SeedConnectedFileID}
		if got := idsOf(all, fileID); !slices.Equal(got, want) || next.GetNextPageToken() != "" {
			t.Fatalf("Ada's files = %v, want %v", got, want)
		}
		folder, nda, connected := all[0], all[1], all[3]
		if folder.GetFileType() != attiov1.FileType_FILE_TYPE_FOLDER || folder.GetName() != "Contracts" || folder.ContentSize != nil ||
			nda.GetFileType() != attiov1.FileType_FILE_TYPE_FILE || nda.GetParentFolderId() != sandbox.SeedFolderID || nda.GetContentType() != "text/plain" ||
			nda.GetContentSize() != 52 || nda.GetStorageProvider() != attiov1.StorageProvider_STORAGE_PROVIDER_ATTIO || nda.GetObjectSlug() != "people" ||
			connected.GetFileType() != attiov1.FileType_FILE_TYPE_CONNECTED_FILE || connected.GetExternalProviderFileId() == "" ||
			connected.GetStorageProvider() != attiov1.StorageProvider_STORAGE_PROVIDER_GOOGLE_DRIVE {
			t.Fatalf("entries: %v", all)
		}
		inFolder, err := c.ListFiles(ctx, &attiov1.ListFilesRequest{Filter: &attiov1.FileFilter{Object: "people", RecordId: seedAda, ParentFolderId: sandbox.SeedFolderID}})
		if err != nil || !slices.Equal(idsOf(inFolder.GetFiles(), fileID), []string{sandbox.SeedFileNDAID}) {
			t.Fatalf("in the folder: %v, %v", inFolder, err)
		}
		drive, err := c.ListFiles(ctx, &attiov1.ListFilesRequest{Filter: &attiov1.FileFilter{Object: "people", RecordId: seedAda,
			StorageProvider: attiov1.StorageProvider_STORAGE_PROVIDER_GOOGLE_DRIVE}})
		if err != nil || !slices.Equal(idsOf(drive.GetFiles(), fileID), []string{sandbox.SeedConnectedFileID}) {
			t.Fatalf("google drive: %v, %v", drive, err)
		}
		st, err := c.StreamFiles(ctx, &attiov1.StreamFilesRequest{Filter: adaFiles(), PageSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		var streamed []string
		for _, m := range drain(t, st.Receive) {
			streamed = append(streamed, idsOf(m.GetFiles(), fileID)...)
		}
		if !slices.Equal(streamed, want) {
			t.Fatalf("streamed %v", streamed)
		}
		got, err := c.GetFile(ctx, &attiov1.GetFileRequest{FileId: sandbox.SeedFileNDAID})
		if err != nil || got.GetFile().GetName() != "nda.txt" {
			t.Fatalf("GetFile = %v, %v", got, err)
		}
		_, err = c.GetFile(ctx, &attiov1.GetFileRequest{FileId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListFiles(ctx, &attiov1.ListFilesRequest{})
			return err
		})
	})
}

// upload sends header then content in chunks of size chunk.
func upload(t *testing.T, c attiov1connect.FileServiceClient, h *attiov1.UploadFileHeader, content []byte, chunk int) (*attiov1.UploadFileResponse, error) {
	t.Helper()
	st, err := c.UploadFile(t.Context())
	if err != nil {
		return nil, err
	}
	if err := st.Send(&attiov1.UploadFileRequest{Part: &attiov1.UploadFileRequest_Header{Header: h}}); err != nil {
		return st.CloseAndReceive()
	}
	for len(content) > 0 {
		n := min(chunk, len(content))
		if err := st.Send(&attiov1.UploadFileRequest{Part: &attiov1.UploadFileRequest_Chunk{Chunk: content[:n]}}); err != nil {
			break // the server has answered; CloseAndReceive has its answer
		}
		content = content[n:]
	}
	return st.CloseAndReceive()
}

func header(name string, content []byte) *attiov1.UploadFileHeader {
	sum := sha256.Sum256(content)
	return &attiov1.UploadFileHeader{Object: "people", RecordId: seedAda, ParentFolderId: sandbox.SeedFolderID, Name: name,
		ContentType: "application/octet-stream", Size: int64(len(content)), Sha256: hex.EncodeToString(sum[:])}
}

func download(ctx context.Context, c attiov1connect.FileServiceClient, id string) ([]byte, int, error) {
	st, err := c.DownloadFile(ctx, &attiov1.DownloadFileRequest{FileId: id})
	if err != nil {
		return nil, 0, err
	}
	var b bytes.Buffer
	n := 0
	for {
		m, err := st.Receive()
		if errors.Is(err, io.EOF) {
			return b.Bytes(), n, nil
		}
		if err != nil {
			return b.Bytes(), n, err
		}
		b.Write(m.GetChunk())
		n++
	}
}

// TestFileUploadDownload: an upload streamed in chunks (the biggest the window allows) comes back
// byte for byte from the download, which follows Attio's redirect to the signed host without the
// facade's keys.
func TestFileUploadDownload(t *testing.T) {
	t.Parallel()
	eachProtocolFiles(t, func(t *testing.T, h *harness, p protocol) {
		c := attiov1connect.NewFileServiceClient(h.rpc(p))
		content := bytes.Repeat([]byte("0123456789abcdef"), 3*testUploadWindow/16+7) // 3 full windows and a bit
		res, err := upload(t, c, header("big.bin", content), content, testUploadWindow)
		if err != nil {
			t.Fatal(err)
		}
		f := res.GetFile()
		if f.GetName() != "big.bin" || f.GetContentSize() != int64(len(content)) || f.GetParentFolderId() != sandbox.SeedFolderID {
			t.Fatalf("uploaded %v", f)
		}
		// On a named connection, so the call to Attio carries Maton-Connection.
		got, msgs, err := download(onConnection(t.Context(), sandbox.DefaultConnectionID), c, f.GetId().GetFileId())
		if err != nil || !bytes.Equal(got, content) || msgs != (len(content)+999)/1000 {
			t.Fatalf("download: %d bytes in %d messages, %v; want %d bytes in chunks of --download-chunk", len(got), msgs, err, len(content))
		}
		seen := h.sb.Sandbox.SignedRequests()
		if len(seen) == 0 {
			t.Fatal("the signed host saw no request")
		}
		for _, hd := range seen {
			for k, vs := range hd {
				for _, v := range vs {
					if strings.Contains(v, h.sb.APIKey()) || strings.Contains(v, sandbox.DefaultConnectionID) {
						t.Errorf("the signed host saw %s: %q", k, v)
					}
				}
			}
			if hd.Get("Authorization") != "" || hd.Get("Maton-Connection") != "" {
				t.Errorf("the signed host saw the facade's headers: %v", hd)
			}
		}
		_, _, err = download(t.Context(), c, sandbox.SeedFolderID)
		wantCode(t, err, connect.CodeInvalidArgument)
	})
}

// TestFileDownloadSecondRedirectRefused: a signed URL that redirects again is not followed.
func TestFileDownloadSecondRedirectRefused(t *testing.T) {
	t.Parallel()
	h := fileHarness(t)
	var hits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(elsewhere.Close)
	h.sb.Sandbox.SetSignedRedirect(elsewhere.URL + "/stolen")
	c := attiov1connect.NewFileServiceClient(h.rpc(protocols[0]))
	_, _, err := download(t.Context(), c, sandbox.SeedFileNDAID)
	if err == nil || !strings.Contains(err.Error(), "redirected again") {
		t.Fatalf("download through a second redirect: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the second redirect's target saw %d requests", n)
	}
	if len(h.sb.Sandbox.SignedRequests()) != 1 {
		t.Fatalf("signed host requests: %d, want 1", len(h.sb.Sandbox.SignedRequests()))
	}
}

// TestFileUploadRefusals: a chunk over --upload-window, content that does not match the header's
// size or SHA-256, and a stream without a header all fail with InvalidArgument, and Attio stores
// nothing (the body is cut before its end).
func TestFileUploadRefusals(t *testing.T) {
	t.Parallel()
	h := fileHarness(t)
	c := attiov1connect.NewFileServiceClient(h.rpc(protocols[0]))
	count := func() int {
		r, err := c.ListFiles(t.Context(), &attiov1.ListFilesRequest{Filter: adaFiles()})
		if err != nil {
			t.Fatal(err)
		}
		return len(r.GetFiles())
	}
	before := count()
	atWindow := bytes.Repeat([]byte{'w'}, testUploadWindow)
	if _, err := upload(t, c, header("window.bin", atWindow), atWindow, testUploadWindow); err != nil {
		t.Fatalf("a chunk of exactly --upload-window: %v", err)
	}
	before++
	overWindow := bytes.Repeat([]byte{'x'}, testUploadWindow+1)
	other := bytes.Repeat([]byte{'y'}, 100)
	for name, tc := range map[string]struct {
		h       *attiov1.UploadFileHeader
		content []byte
		chunk   int
	}{
		"chunk over the window": {header("a", overWindow), overWindow, testUploadWindow + 1},
		"wrong sha256":          {header("b", other), bytes.Repeat([]byte{'z'}, 100), 10},
		"short":                 {header("c", other), other[:50], 10},
		"long":                  {header("d", other[:50]), other, 10},
	} {
		_, err := upload(t, c, tc.h, tc.content, tc.chunk)
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s: %v, want InvalidArgument", name, err)
		}
	}
	st, err := c.UploadFile(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Send(&attiov1.UploadFileRequest{Part: &attiov1.UploadFileRequest_Chunk{Chunk: []byte("x")}})
	if _, err := st.CloseAndReceive(); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("no header: %v", err)
	}
	big := header("huge", nil)
	big.Size = 50_000_001
	if _, err := upload(t, c, big, nil, 1); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("over 50 MB: %v", err)
	}
	if n := count(); n != before {
		t.Fatalf("Ada has %d files after the refused uploads, want %d", n, before)
	}
}
