package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"connectrpc.com/connect/v2"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

const (
	defaultFilePage       = 50
	defaultFileStreamPage = 200

	// DefaultUploadWindow is --upload-window: the most bytes of one upload the facade holds at
	// once (one chunk message; larger chunks are refused).
	DefaultUploadWindow = 1 << 20
	// DefaultDownloadChunk is --download-chunk: the bytes of a download read and sent per message.
	DefaultDownloadChunk = 64 << 10
)

// FileLimits bounds uploads and downloads; zero fields take the defaults.
type FileLimits struct {
	// UploadWindow is the most bytes of one upload held at once (a chunk larger than it is
	// InvalidArgument). At most 1 MiB, the contract's largest chunk.
	UploadWindow int
	// DownloadChunk is the bytes read from the signed URL and sent per message (at most 64 KiB,
	// the contract's largest download message).
	DownloadChunk int
}

func (l FileLimits) withDefaults() FileLimits {
	if l.UploadWindow <= 0 || l.UploadWindow > DefaultUploadWindow {
		l.UploadWindow = DefaultUploadWindow
	}
	if l.DownloadChunk <= 0 || l.DownloadChunk > DefaultDownloadChunk {
		l.DownloadChunk = DefaultDownloadChunk
	}
	return l
}

// FileService serves attio.v1.FileService.
type FileService struct {
	client *attio.Client
	limits FileLimits
}

var _ attiov1connect.FileServiceHandler = (*FileService)(nil)

var fileTypes = wireNames[attiov1.FileType](kebabCase)

var storageProviders = wireNames[attiov1.StorageProvider](kebabCase)

func fileQuery(f *attiov1.FileFilter, limit int, cursor string) attio.FileQuery {
	return attio.FileQuery{Object: f.GetObject(), RecordID: f.GetRecordId(), StorageProvider: enumName(storageProviders, f.GetStorageProvider()),
		ParentFolderID: f.GetParentFolderId(), Limit: limit, Cursor: cursor}
}

// ListFiles returns one page of a record's entries.
func (s *FileService) ListFiles(ctx context.Context, req *attiov1.ListFilesRequest) (*attiov1.ListFilesResponse, error) {
	p := newPager(ctx, attiov1connect.FileServiceListFilesProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.ListFilesPage(ctx, fileQuery(req.GetFilter(), pageSize(req.GetPageSize(), defaultFilePage), pos.Cursor))
	return reply(err, func() *attiov1.ListFilesResponse {
		return &attiov1.ListFilesResponse{Files: toFiles(page.Items), NextPageToken: nextPageToken(p, page)}
	})
}

// StreamFiles walks all of a record's entries, one message per upstream page.
func (s *FileService) StreamFiles(ctx context.Context, req *attiov1.StreamFilesRequest, stream attiov1connect.FileServiceStreamFilesServerStream) error {
	p := newPager(ctx, attiov1connect.FileServiceStreamFilesProcedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), defaultFileStreamPage)
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.File], error) {
			return s.client.ListFilesPage(ctx, fileQuery(req.GetFilter(), size, pos.Cursor))
		},
		func(items []attio.File, resume string) *attiov1.StreamFilesResponse {
			return &attiov1.StreamFilesResponse{Files: toFiles(items), ResumeToken: resume}
		}, stream.Send)
}

// GetFile returns one entry.
func (s *FileService) GetFile(ctx context.Context, req *attiov1.GetFileRequest) (*attiov1.GetFileResponse, error) {
	f, err := s.client.GetFile(ctx, req.GetFileId())
	return reply(err, func() *attiov1.GetFileResponse { return &attiov1.GetFileResponse{File: toFile(&f)} })
}

// UploadFile passes the chunks on to Attio as they arrive, holding one at a time, and cuts the
// upload short (Attio stores nothing) when they do not add up to the header's size and SHA-256.
func (s *FileService) UploadFile(ctx context.Context, stream attiov1connect.FileServiceUploadFileServerStream) (*attiov1.UploadFileResponse, error) {
	first, err := stream.Receive()
	if err != nil {
		return nil, err
	}
	h := first.GetHeader()
	if h == nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, "the first message of an upload is its header")
	}
	if h.GetSize() > attio.MaxUploadSize {
		return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Sprintf("size: Attio takes files of at most %d bytes", attio.MaxUploadSize))
	}
	r := &chunkReader{recv: stream.Receive, window: s.limits.UploadWindow, left: h.GetSize(), want: h.GetSha256(), sum: sha256.New()}
	f, err := s.client.UploadFile(ctx, attio.FileUpload{Object: h.GetObject(), RecordID: h.GetRecordId(), ParentFolderID: h.GetParentFolderId(),
		Name: h.GetName(), ContentType: h.GetContentType()}, r)
	if r.err != nil {
		return nil, r.err // the caller's stream was at fault; the upload was cut before it completed
	}
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.UploadFileResponse{File: toFile(&f)}, nil
}

// chunkReader is the content of an upload: the chunk messages after the header, read one at a
// time (at most window bytes held), checked against the header's size and SHA-256 before the
// final EOF is given, so a mismatch fails the body before Attio has all of it.
type chunkReader struct {
	recv   func() (*attiov1.UploadFileRequest, error)
	window int
	buf    []byte
	left   int64
	want   string
	sum    hash.Hash
	err    error // the caller's fault, kept for the handler
}

func (r *chunkReader) fail(code connect.Code, msg string) error {
	r.err = connect.NewError(code, msg)
	return r.err
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for len(r.buf) == 0 {
		m, err := r.recv()
		if errors.Is(err, io.EOF) {
			if r.left != 0 {
				return 0, r.fail(connect.CodeInvalidArgument, fmt.Sprintf("the upload ended %d bytes short of its header's size", r.left))
			}
			if got := hex.EncodeToString(r.sum.Sum(nil)); got != r.want {
				return 0, r.fail(connect.CodeInvalidArgument, "the content's SHA-256 is "+got+", not the header's")
			}
			return 0, io.EOF
		}
		if err != nil {
			r.err = err
			return 0, err
		}
		c, ok := m.GetPart().(*attiov1.UploadFileRequest_Chunk)
		if !ok {
			return 0, r.fail(connect.CodeInvalidArgument, "only the first message of an upload is a header")
		}
		if len(c.Chunk) > r.window {
			return 0, r.fail(connect.CodeInvalidArgument, fmt.Sprintf("a chunk of %d bytes is over --upload-window (%d)", len(c.Chunk), r.window))
		}
		if int64(len(c.Chunk)) > r.left {
			return 0, r.fail(connect.CodeInvalidArgument, "the upload is longer than its header's size")
		}
		r.left -= int64(len(c.Chunk))
		r.sum.Write(c.Chunk)
		r.buf = c.Chunk
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// DownloadFile streams a file from its signed URL, chunk by chunk.
func (s *FileService) DownloadFile(ctx context.Context, req *attiov1.DownloadFileRequest, stream attiov1connect.FileServiceDownloadFileServerStream) error {
	body, err := s.client.DownloadFile(ctx, req.GetFileId())
	if errors.Is(err, attio.ErrSecondRedirect) || errors.Is(err, attio.ErrNoSignedURL) {
		return connect.NewError(connect.CodeUnavailable, "download: "+err.Error())
	}
	if err != nil {
		return upstreamError(err)
	}
	defer body.Close()
	buf := make([]byte, s.limits.DownloadChunk)
	for {
		n, err := io.ReadFull(body, buf)
		if n > 0 {
			if err := stream.Send(&attiov1.DownloadFileResponse{Chunk: buf[:n]}); err != nil {
				return err
			}
		}
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case err != nil:
			return connect.NewError(connect.CodeUnavailable, "the download broke off: "+err.Error())
		}
	}
}

func toFile(f *attio.File) *attiov1.File {
	x := extrasOf(f.Extra)
	out := &attiov1.File{
		Id:                     &attiov1.FileId{WorkspaceId: f.ID.WorkspaceID, FileId: f.ID.FileID},
		ObjectId:               f.ObjectID,
		ObjectSlug:             f.ObjectSlug,
		RecordId:               f.RecordID,
		StorageProvider:        enumOf(storageProviders, f.StorageProvider),
		CreatedByActor:         toActor(&f.CreatedByActor),
		CreatedAt:              x.time("created_at", f.CreatedAt),
		FileType:               enumOf(fileTypes, f.FileType),
		Name:                   f.Name,
		ContentType:            f.ContentType,
		ContentSize:            f.ContentSize,
		ParentFolderId:         deref(f.ParentFolderID),
		ExternalProviderFileId: f.ExternalProviderFileID,
		MicrosoftDriveId:       deref(f.MicrosoftDriveID),
	}
	out.ExtraJson = x.json()
	return out
}

func toFiles(fs []attio.File) []*attiov1.File {
	out := make([]*attiov1.File, 0, len(fs))
	for i := range fs {
		out = append(out, toFile(&fs[i]))
	}
	return out
}
