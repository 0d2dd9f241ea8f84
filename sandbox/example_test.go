package sandbox_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/attio-facade/attio-facade/sandbox"
)

func Example() {
	srv := sandbox.NewServer() // empty workspaces with Attio's standard objects
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.MatonBaseURL()+"/objects/people", nil)
	req.Header.Set("Authorization", "Bearer "+srv.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("X-Attio-Execution-Id") != "", len(body) > 0)
	// Output: 200 true true
}
