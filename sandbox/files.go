package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"slices"
	"strings"
)

// Files (beta at Attio): entries of the `file` schema of the March 2026 document, served as the
// reference pages describe the operations:
//   - https://docs.attio.com/rest-api/endpoint-reference/files/list-files
//   - https://docs.attio.com/rest-api/endpoint-reference/files/get-a-file
//   - https://docs.attio.com/rest-api/endpoint-reference/files/upload-a-file (multipart/form-data:
//     `file`, `object`, `record_id`, optional `parent_folder_id`; at most 50 MB)
//   - https://docs.attio.com/rest-api/endpoint-reference/files/download-a-file ("redirecting to
//     a signed URL": the sandbox signs a URL on its own signed host, see signed.go)
//
// Choices the pages leave open: a listing without parent_folder_id has every entry of the record
// (with it, the folder's direct children); entries are ordered by creation, then id; an upload
// answers 200 with {"data": file}; a folder or a connected entry cannot be downloaded (400).

// MaxUploadBytes is Attio's upload limit ("50 MB", read as 50,000,000 bytes).
const MaxUploadBytes = 50_000_000

func fileRoutes(rs *routes) {
	rs.read("GET", "/v2/files", hListFiles)
	rs.read("GET", "/v2/files/{file_id}", hGetFile)
	rs.add("POST", "/v2/files/upload", true, hUploadFile).raw = true
	rs.add("GET", "/v2/files/{file_id}/download", false, hDownloadFile).redirect = true
}

type fileEntry struct {
	id          uuid
	obj         int // object index
	rec         uuid
	provider    string
	fileType    string // file, folder, connected-file, connected-folder
	name        string
	contentType string
	content     []byte
	parent      *uuid
	externalID  string
	createdBy   int32
	createdAt   int64
}

type seedFile struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	RecordID    string `json:"record_id"`
	Provider    string `json:"storage_provider"`
	FileType    string `json:"file_type"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Content     string `json:"content"`
	Parent      string `json:"parent_folder_id"`
	ExternalID  string `json:"external_provider_file_id"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   string `json:"created_at"`
}

var storageProviders = []string{"attio", "dropbox", "box", "google-drive", "microsoft-onedrive"}

func seedFiles(ws *workspace, files []seedFile) error {
	for _, f := range files {
		o := ws.object(f.Object)
		if o == nil {
			return fmt.Errorf("file %s: unknown object %q", f.ID, f.Object)
		}
		id, err := seedUUID(f.ID)
		if err != nil {
			return err
		}
		e := &fileEntry{id: id, obj: o.idx, rec: mustUUID(f.RecordID), provider: f.Provider, fileType: f.FileType, name: f.Name,
			contentType: f.ContentType, content: []byte(f.Content), externalID: f.ExternalID}
		if f.Parent != "" {
			p := mustUUID(f.Parent)
			e.parent = &p
		}
		if e.createdAt, err = seedTime(f.CreatedAt, ws.createdAt); err != nil {
			return err
		}
		if e.createdBy, err = seedActor(ws, f.CreatedBy); err != nil {
			return err
		}
		ws.files = append(ws.files, e)
	}
	return nil
}

func (ws *workspace) file(id uuid) *fileEntry {
	for _, f := range ws.files {
		if f.id == id {
			return f
		}
	}
	return nil
}

func (ws *workspace) writeFile(w *jw, f *fileEntry) {
	o := ws.objects[f.obj]
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("file_id", f.id)
	w.objClose()
	w.kid("object_id", o.id)
	w.kv("object_slug", o.slug)
	w.kid("record_id", f.rec)
	w.kv("storage_provider", f.provider)
	w.key("created_by_actor")
	ws.writeActor(w, f.createdBy)
	w.key("created_at")
	w.ts(f.createdAt)
	w.kv("file_type", f.fileType)
	switch f.fileType {
	case "file", "folder":
		w.kv("name", f.name)
		if f.fileType == "file" {
			w.kv("content_type", f.contentType)
			w.key("content_size")
			w.num(float64(len(f.content)))
		}
		w.key("parent_folder_id")
		if f.parent != nil {
			w.id(*f.parent)
		} else {
			w.null()
		}
	default:
		w.kv("external_provider_file_id", f.externalID)
		w.key("microsoft_drive_id")
		w.null()
	}
	w.objClose()
}

// fileParent resolves an upload's or listing's object and record.
func (rc *reqCtx) fileParent(object, recordID string) (*collection, uuid, *apiError) {
	if object == "" || recordID == "" {
		return nil, uuid{}, validation("object and record_id are required.").with([]any{"object"}, "invalid_type", "Required")
	}
	o := rc.ws.object(object)
	if o == nil {
		return nil, uuid{}, notFound("Object with slug/ID \"%s\" not found.", object)
	}
	rec, ok := parseUUID(recordID)
	if !ok || o.byID[rec] == nil {
		return nil, uuid{}, notFound("Record with ID \"%s\" not found.", recordID)
	}
	return o, rec, nil
}

func hListFiles(rc *reqCtx) ([]byte, *apiError) {
	o, rec, err := rc.fileParent(rc.q.Get("object"), rc.q.Get("record_id"))
	if err != nil {
		return nil, err
	}
	limit, err := rc.cursorLimit(50, 200)
	if err != nil {
		return nil, err
	}
	provider := rc.q.Get("storage_provider")
	if provider != "" && !slices.Contains(storageProviders, provider) {
		return nil, validation("Invalid query parameter storage_provider.").with([]any{"storage_provider"}, "invalid_enum_value", "Expected one of "+strings.Join(storageProviders, ", "))
	}
	var folder *uuid
	if s := rc.q.Get("parent_folder_id"); s != "" {
		u, ok := parseUUID(s)
		if !ok {
			return nil, validation("Invalid query parameter parent_folder_id.").with([]any{"parent_folder_id"}, "invalid_string", "Invalid uuid")
		}
		folder = &u
	}
	var list []*fileEntry
	for _, f := range rc.ws.files {
		if f.obj != o.idx || f.rec != rec || (provider != "" && f.provider != provider) ||
			(folder != nil && (f.parent == nil || *f.parent != *folder)) {
			continue
		}
		list = append(list, f)
	}
	return cursorPage(rc, rc.queryScope("files"), list, limit, rc.ws.writeFile)
}

func (rc *reqCtx) fileParam() (*fileEntry, *apiError) {
	id := rc.param("file_id")
	u, _ := parseUUID(id)
	if f := rc.ws.file(u); f != nil {
		return f, nil
	}
	return nil, notFound("File with ID \"%s\" not found.", id)
}

func hGetFile(rc *reqCtx) ([]byte, *apiError) { return getWith(rc.fileParam, rc.ws.writeFile) }

// hUploadFile reads the multipart body as it streams in, holding the file part whole (it is
// stored), and refuses a part over MaxUploadBytes.
func hUploadFile(rc *reqCtx) ([]byte, *apiError) {
	mt, params, err := mime.ParseMediaType(rc.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, validation("The body must be multipart/form-data.")
	}
	mr := multipart.NewReader(rc.r.Body, params["boundary"])
	fields := map[string]string{}
	var name, ctype string
	var content []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, validation("Could not read the multipart body.")
		}
		if p.FormName() == "file" {
			var b bytes.Buffer
			n, err := io.Copy(&b, io.LimitReader(p, MaxUploadBytes+1))
			if err != nil {
				return nil, validation("Could not read the multipart body.")
			}
			if n > MaxUploadBytes {
				return nil, validation("The file is larger than the maximum of 50 MB.").with([]any{"file"}, "too_big", "File must be at most 50 MB")
			}
			name, ctype, content = p.FileName(), p.Header.Get("Content-Type"), b.Bytes()
			continue
		}
		v, _ := io.ReadAll(io.LimitReader(p, 4096))
		fields[p.FormName()] = string(v)
	}
	if content == nil || name == "" {
		return nil, validation("The body has no file.").with([]any{"file"}, "invalid_type", "Required")
	}
	o, rec, aerr := rc.fileParent(fields["object"], fields["record_id"])
	if aerr != nil {
		return nil, aerr
	}
	f := &fileEntry{id: newUUID(), obj: o.idx, rec: rec, provider: "attio", fileType: "file", name: name,
		contentType: ctype, content: content, createdBy: rc.actor, createdAt: rc.now}
	if s := fields["parent_folder_id"]; s != "" {
		u, _ := parseUUID(s)
		pf := rc.ws.file(u)
		if pf == nil || pf.fileType != "folder" || pf.rec != rec {
			return nil, notFound("Folder with ID \"%s\" not found.", s)
		}
		f.parent = &u
	}
	rc.ws.files = append(rc.ws.files, f)
	return dataOne(func(w *jw) { rc.ws.writeFile(w, f) }), nil
}

func hDownloadFile(rc *reqCtx) ([]byte, *apiError) {
	f, err := rc.fileParam()
	if err != nil {
		return nil, err
	}
	if f.fileType != "file" {
		return nil, validation("Only files stored in Attio can be downloaded.")
	}
	return []byte(rc.s.signURL(rc.ws.id, f.id, rc.now)), nil
}

// content is a stored file's bytes and type, for the signed host.
func (s *Sandbox) content(ws, file uuid) ([]byte, string, bool) {
	s.mu.Lock()
	var w *workspace
	for _, c := range s.conns {
		if c.ws != nil && c.ws.id == ws {
			w = c.ws
		}
	}
	s.mu.Unlock()
	if w == nil {
		return nil, "", false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	f := w.file(file)
	if f == nil || f.fileType != "file" {
		return nil, "", false
	}
	return f.content, f.contentType, true
}
