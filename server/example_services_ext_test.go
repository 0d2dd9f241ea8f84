package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// Example_tasks lists the open tasks of a workspace through the facade, here in front of the
// sandbox instead of Maton.
func Example_tasks() {
	sb := sandbox.NewServer(sandbox.WithSeed(os.DirFS("../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}))
	defer sb.Close()
	client, err := attio.New(attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL(), Limits: &attio.Limits{}})
	if err != nil {
		fmt.Println(err)
		return
	}
	facade := httptest.NewServer(server.NewHandler(server.Options{Client: client}))
	defer facade.Close()

	tasks := attiov1connect.NewTaskServiceClient(connect.NewClient(connecthttp.NewTransport(facade.Client(), facade.URL)))
	open := false
	res, err := tasks.ListTasks(context.Background(), &attiov1.ListTasksRequest{Filter: &attiov1.TaskFilter{IsCompleted: &open}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range res.GetTasks() {
		fmt.Println(t.GetContentPlaintext())
	}
	// Output:
	// Clean up CRM
	// Send proposal to Ada
}
