package protocodec_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/protocodec"
)

// A Go caller of the facade decodes its answers with generated code by giving its transport the
// codec: it replaces connect's binary protobuf codec (same name, same bytes, same messages).
func Example() {
	url, stop := startFacade() // the facade's address, e.g. "http://localhost:8080"
	defer stop()

	transport := connecthttp.NewTransport(http.DefaultClient, url, connecthttp.WithCodecs(protocodec.New()))
	records := attiov1connect.NewRecordServiceClient(connect.NewClient(transport))

	res, err := records.GetRecord(context.Background(), &attiov1.GetRecordRequest{Object: "people", RecordId: "ada"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.GetRecord().GetWebUrl())
	// Output: https://app.attio.com/people/ada
}

// startFacade stands in for the facade: a RecordService on loopback, itself on the codec.
func startFacade() (url string, stop func()) {
	rpc := connect.NewServer()
	attiov1connect.RegisterRecordServiceHandler(rpc, exampleRecords{})
	mux := http.NewServeMux()
	connecthttp.Mount(mux, rpc, connecthttp.WithCodecs(protocodec.New()))
	srv := httptest.NewServer(mux)
	return srv.URL, srv.Close
}

type exampleRecords struct {
	attiov1connect.UnimplementedRecordServiceHandler
}

func (exampleRecords) GetRecord(_ context.Context, req *attiov1.GetRecordRequest) (*attiov1.GetRecordResponse, error) {
	return &attiov1.GetRecordResponse{Record: &attiov1.Record{WebUrl: "https://app.attio.com/" + req.GetObject() + "/" + req.GetRecordId()}}, nil
}
