package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/sandbox"
)

func fileIDs(r []any) []string {
	var out []string
	for _, v := range r {
		out = append(out, v.(map[string]any)["id"].(map[string]any)["file_id"].(string))
	}
	return out
}

// upload posts a multipart upload through a's (validating) client.
func (a *api) upload(fields map[string]string, name string, content []byte) resp {
	a.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", a.base+"/files/upload", &b)
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	r := resp{status: res.StatusCode, header: res.Header}
	r.raw, _ = io.ReadAll(res.Body)
	_ = json.Unmarshal(r.raw, &r.body)
	return r
}

// files2026 walks the file operations (validated by TestStrictClient2026 against the reference
// pages' shapes): listing with its filters, get, upload and the download's redirect to the
// signed host, which serves the bytes without any API key.
func files2026(t *testing.T, a *api) {
	t.Helper()
	q := "/files?object=people&record_id=" + sandbox.SeedPersonID
	all := fileIDs(a.must("GET", q, nil, 200).list())
	if len(all) != 4 {
		t.Errorf("Ada's files = %v, want 4", all)
	}
	if got := fileIDs(a.must("GET", q+"&parent_folder_id="+sandbox.SeedFolderID, nil, 200).list()); len(got) != 1 || got[0] != sandbox.SeedFileNDAID {
		t.Errorf("in the folder: %v", got)
	}
	if got := fileIDs(a.must("GET", q+"&storage_provider=google-drive", nil, 200).list()); len(got) != 1 || got[0] != sandbox.SeedConnectedFileID {
		t.Errorf("google-drive: %v", got)
	}
	page := a.must("GET", q+"&limit=3", nil, 200)
	next, _ := page.body["pagination"].(map[string]any)["next_cursor"].(string)
	if rest := fileIDs(a.must("GET", q+"&limit=3&cursor="+next, nil, 200).list()); len(rest) != 1 || rest[0] != sandbox.SeedConnectedFileID {
		t.Errorf("second page %v", rest)
	}
	a.must("GET", q+"&storage_provider=ftp", nil, 400)
	a.must("GET", "/files?object=people", nil, 400)
	a.must("GET", "/files/"+sandbox.SeedFileNDAID, nil, 200)
	a.must("GET", "/files/"+sandbox.SeedFolderID, nil, 200)
	a.must("GET", "/files/"+sandbox.SeedConnectedFileID, nil, 200)
	a.must("GET", "/files/00000000-0000-4000-8000-000000000001", nil, 404)

	up := a.upload(map[string]string{"object": "people", "record_id": sandbox.SeedPersonID, "parent_folder_id": sandbox.SeedFolderID}, "plan.txt", []byte("the plan"))
	if up.status != 200 || up.data()["content_size"] != float64(8) || up.data()["parent_folder_id"] != sandbox.SeedFolderID {
		t.Fatalf("upload: %d %s", up.status, up.raw)
	}
	if r := a.upload(map[string]string{"object": "people", "record_id": sandbox.SeedPersonID}, "", nil); r.status != 400 {
		t.Errorf("upload without a file: %d", r.status)
	}
	if r := a.upload(map[string]string{"object": "people", "record_id": sandbox.SeedPersonID, "parent_folder_id": sandbox.SeedFileNDAID}, "x", []byte("x")); r.status != 404 {
		t.Errorf("upload into a file: %d", r.status)
	}

	noFollow := *a.hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(url string, auth bool) *http.Response {
		req, _ := http.NewRequest("GET", url, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+a.key)
		}
		res, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	id := up.data()["id"].(map[string]any)["file_id"].(string)
	res := get(a.base+"/files/"+id+"/download", true)
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc, a.srv.SignedURL+"/signed/") {
		t.Fatalf("download: %d to %q, want 302 to the signed host %s", res.StatusCode, loc, a.srv.SignedURL)
	}
	body := get(loc, false)
	got, _ := io.ReadAll(body.Body)
	body.Body.Close()
	if body.StatusCode != 200 || string(got) != "the plan" {
		t.Errorf("signed URL: %d %q", body.StatusCode, got)
	}
	tampered := get(strings.Replace(loc, "signature=", "signature=0", 1), false)
	tampered.Body.Close()
	if tampered.StatusCode != http.StatusForbidden {
		t.Errorf("tampered signature: %d", tampered.StatusCode)
	}
	a.must("GET", "/files/"+sandbox.SeedFolderID+"/download", nil, 400)
}

func TestFiles(t *testing.T) {
	t.Parallel()
	files2026(t, seeded(t))
}
