package attio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// Files (beta at Attio). The entry's shape is the `file` schema of the March 2026 document; the
// operations follow Attio's endpoint reference pages:
//   - https://docs.attio.com/rest-api/endpoint-reference/files/list-files (object and record_id
//     required; storage_provider, parent_folder_id; cursor paged, limit 1-200, default 50)
//   - https://docs.attio.com/rest-api/endpoint-reference/files/get-a-file
//   - https://docs.attio.com/rest-api/endpoint-reference/files/upload-a-file (multipart/form-data:
//     one binary field `file` with `object`, `record_id` and optional `parent_folder_id`; 50 MB)
//   - https://docs.attio.com/rest-api/endpoint-reference/files/download-a-file ("Downloads a
//     file by redirecting to a signed URL")

// MaxUploadSize is the largest upload Attio takes ("50 MB"; read as 50,000,000 bytes so that
// nothing the facade lets through can be too large for Attio).
const MaxUploadSize = 50_000_000

// FileID identifies a file entry.
type FileID struct {
	WorkspaceID string `json:"workspace_id"`
	FileID      string `json:"file_id"`
}

// File is a file or folder entry of a record: FileType "file", "folder", "connected-file" or
// "connected-folder"; the fields of the other kinds are zero.
type File struct {
	ID                     FileID  `json:"id"`
	ObjectID               string  `json:"object_id"`
	ObjectSlug             string  `json:"object_slug"`
	RecordID               string  `json:"record_id"`
	StorageProvider        string  `json:"storage_provider"`
	CreatedByActor         Actor   `json:"created_by_actor"`
	CreatedAt              string  `json:"created_at"`
	FileType               string  `json:"file_type"`
	Name                   string  `json:"name,omitempty"`
	ContentType            *string `json:"content_type,omitempty"`
	ContentSize            *int64  `json:"content_size,omitempty"`
	ParentFolderID         *string `json:"parent_folder_id,omitempty"`
	ExternalProviderFileID string  `json:"external_provider_file_id,omitempty"`
	MicrosoftDriveID       *string `json:"microsoft_drive_id,omitempty"`

	Extra Extra `json:"-"`
}

func (v *File) UnmarshalJSON(b []byte) error {
	type a File
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v File) MarshalJSON() ([]byte, error) { type a File; return marshalExtra(a(v), v.Extra) }

// FileQuery selects and pages a record's entries. Limit 0 = 50.
type FileQuery struct {
	Object, RecordID string
	StorageProvider  string
	ParentFolderID   string
	Limit            int
	Cursor           string
}

// ListFilesPage fetches one page of a record's entries.
func (c *Client) ListFilesPage(ctx context.Context, q FileQuery) (Page[File], error) {
	v := url.Values{"limit": {strconv.Itoa(withLimit(q.Limit, 50))}, "object": {q.Object}, "record_id": {q.RecordID}}
	setIf(v, "storage_provider", q.StorageProvider)
	setIf(v, "parent_folder_id", q.ParentFolderID)
	setIf(v, "cursor", q.Cursor)
	return cursorGET[File](c, ctx, epListFiles, nil, v)
}

// ListFiles iterates over a record's entries from q.Cursor on.
func (c *Client) ListFiles(ctx context.Context, q FileQuery) iter.Seq2[File, error] {
	return walk(ctx, pageCursor{cursor: q.Cursor}, func(at pageCursor) (Page[File], error) {
		q.Cursor = at.cursor
		return c.ListFilesPage(ctx, q)
	})
}

// GetFile returns one entry.
func (c *Client) GetFile(ctx context.Context, fileID string) (File, error) {
	return getData[File](c, ctx, call{ep: epGetFile, params: []string{fileID}})
}

// FileUpload says where an upload goes and what it is.
type FileUpload struct {
	Object, RecordID string
	ParentFolderID   string // "" for the top level
	Name             string
	ContentType      string // "" = application/octet-stream
}

// UploadFile streams content to Attio as multipart/form-data, holding none of it beyond what the
// transport writes at once. If content fails, the body is cut before its closing boundary, so
// Attio never stores a partial file. It counts against the write budget and is never retried.
func (c *Client) UploadFile(ctx context.Context, in FileUpload, content io.Reader) (File, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeUpload(mw, in, content))
	}()
	defer pr.Close() // unblocks the writer if the request ends early
	return getData[File](c, ctx, call{ep: epUploadFile, stream: pr, contentType: mw.FormDataContentType()})
}

func writeUpload(mw *multipart.Writer, in FileUpload, content io.Reader) error {
	for _, f := range [][2]string{{"object", in.Object}, {"record_id", in.RecordID}, {"parent_folder_id", in.ParentFolderID}} {
		if f[1] == "" {
			continue
		}
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return err
		}
	}
	ct := in.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, strings.ReplaceAll(in.Name, `"`, "")))
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, content); err != nil {
		return err
	}
	return mw.Close()
}

// ErrSecondRedirect is the cause of a download whose signed URL redirected again: only the one
// redirect Attio answers with is followed.
var ErrSecondRedirect = errors.New("the signed download URL redirected again; only Attio's one redirect is followed")

// ErrNoSignedURL is the cause of a download Attio answered without a usable redirect.
var ErrNoSignedURL = errors.New("the download did not redirect to a usable signed URL")

// DownloadFile asks Attio for a file (a read) and follows its one redirect to the signed URL,
// with no Authorization, Maton-Connection or other header of the facade's (the signed URL is its
// own credential), and no further redirect. The caller reads and closes the body.
func (c *Client) DownloadFile(ctx context.Context, fileID string) (io.ReadCloser, error) {
	var signed *url.URL
	err := c.do(ctx, call{ep: epDownloadFile, params: []string{fileID}, redirect: func(resp *http.Response) error {
		u, err := resp.Location()
		if err != nil || !signedURLAllowed(u) {
			return ErrNoSignedURL
		}
		signed = u
		return nil
	}})
	if err != nil {
		return nil, err
	}
	if signed == nil {
		return nil, &Error{Endpoint: epDownloadFile.name, Source: SourceTransport, Err: ErrNoSignedURL}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, signed.String(), nil)
	if err != nil {
		return nil, &Error{Endpoint: epDownloadFile.name, Source: SourceTransport, Err: err}
	}
	req.Header.Set("User-Agent", c.userAgent)
	hc := &http.Client{Transport: c.hc.Transport, CheckRedirect: refuseRedirect}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &Error{Endpoint: epDownloadFile.name, Source: SourceTransport, Err: err}
	}
	if resp.StatusCode >= 300 {
		resp.Body.Close()
		var cause error = fmt.Errorf("the signed URL answered %d", resp.StatusCode)
		if resp.StatusCode < 400 {
			cause = ErrSecondRedirect
		}
		return nil, &Error{Endpoint: epDownloadFile.name, StatusCode: resp.StatusCode, Source: SourceTransport, Err: cause}
	}
	return resp.Body, nil
}

// signedURLAllowed takes https URLs, and plain http only to a loopback address (a local
// emulator): a signed URL is a bearer credential and must not cross a network in clear.
func signedURLAllowed(u *url.URL) bool {
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "http":
		ip := net.ParseIP(u.Hostname())
		return ip != nil && ip.IsLoopback()
	}
	return false
}
