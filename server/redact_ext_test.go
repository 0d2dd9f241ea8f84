package server_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/prototext"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

const testApprovalSecret = "0123456789abcdef0123456789abcdef-test-secret"

// callerText is everything a caller can read of an error: code, message and every detail.
func callerText(t *testing.T, err error) string {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a connect error: %v", err)
	}
	var b strings.Builder
	b.WriteString(ce.Error())
	for _, d := range ce.Details() {
		m, derr := connectproto.UnmarshalErrorDetail(d)
		if derr != nil {
			t.Fatal(derr)
		}
		b.WriteString("\n" + prototext.Format(m))
	}
	return b.String()
}

// echoing is what an upstream that quotes everything it knows would answer: each form of each
// secret in the message, in a validation error's description and in its code.
func echoing(secrets ...string) []byte {
	var forms []string
	for _, s := range secrets {
		forms = append(forms, attio.SecretForms(s)...)
		// and inside longer base64 strings, at every alignment, as in an echoed Basic header
		for _, prefix := range []string{"Bearer ", "u:", "x"} {
			forms = append(forms, base64Std(prefix+s), base64URL(prefix+s))
		}
	}
	msg := "upstream says: " + strings.Join(forms, " | ")
	return sandbox.AttioErrorBody(400, "validation_type", msg,
		sandbox.ValidationError{Code: "invalid_" + secrets[0], Path: []any{"data", secrets[1]}, Message: "echo " + strings.Join(forms, ",")})
}

// An upstream message that echoes a credential reaches the caller, the logs and the spans with
// every form of every secret the facade knows replaced by [REDACTED]: the Maton key, the caller's
// bearer token, its approval token and the approval secret, raw, base64 and URL-encoded.
func TestUpstreamEchoOfSecretsIsRedacted(t *testing.T) {
	t.Parallel()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			g := newGuarded(t, 0)
			rec := attiov1connect.NewRecordServiceClient(g.rpc(p))
			req := newPerson(p.name + "-echo@flow.example.com")
			_, token := approvedTokenOver(t, g, p, req)
			secrets := []string{g.sb.APIKey(), writerKey, token, testApprovalSecret}
			g.sb.Sandbox.FailNext(sandbox.Failure{Method: http.MethodPost, Route: "/v2/objects/{object}/records",
				Status: http.StatusBadRequest, Body: echoing(secrets...)})
			_, err := rec.CreateRecord(caller(writerKey, token), req)
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("want the upstream 400 as InvalidArgument, got %v", err)
			}
			text := callerText(t, err)
			if !strings.Contains(text, attio.Redacted) || !strings.Contains(text, "upstream says") {
				t.Fatalf("the upstream message should stay, redacted:\n%.600s", text)
			}
			if len(errorDetails[*errdetails.BadRequest](t, err)) != 1 || len(errorDetails[*errdetails.ErrorInfo](t, err)) != 1 {
				t.Fatalf("details lost: %s", text)
			}
			var forms []string
			for _, s := range secrets {
				forms = append(forms, attio.SecretForms(s)...)
			}
			for i, f := range forms {
				if strings.Contains(text, f) {
					t.Errorf("form #%d of a secret reached the caller", i)
				}
			}
			g.tel.AddSource("errors", func() string { return text })
			g.tel.RequireNoSecrets(t, forms...)
		})
	}
}

// Upstream text is capped: a huge message is cut (on a character boundary) and at most 32 field
// violations are relayed.
func TestUpstreamErrorTextIsBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	var verrs []sandbox.ValidationError
	for i := range 40 {
		verrs = append(verrs, sandbox.ValidationError{Code: "invalid_type", Path: []any{"data", "values", fmt.Sprint("a", i)},
			Message: strings.Repeat("é", 400)})
	}
	// 40 kB in all: under the client's 64 kB read of an error body, far over what a caller gets.
	h.sb.Sandbox.FailNext(sandbox.Failure{Status: http.StatusBadRequest,
		Body: sandbox.AttioErrorBody(400, "validation_type", strings.Repeat("日本", 1000), verrs...)})
	_, err := records(h, protocols[1]).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument {
		t.Fatalf("want InvalidArgument, got %v", err)
	}
	if len(ce.Message()) > 1024 || !utf8.ValidString(ce.Message()) || !strings.Contains(ce.Message(), "日本") {
		t.Fatalf("message: %d bytes, valid UTF-8 %v", len(ce.Message()), utf8.ValidString(ce.Message()))
	}
	br := errorDetails[*errdetails.BadRequest](t, err)
	if len(br) != 1 || len(br[0].GetFieldViolations()) != 32 {
		t.Fatalf("want 32 field violations, got %d", len(br[0].GetFieldViolations()))
	}
	for _, v := range br[0].GetFieldViolations() {
		if len(v.GetDescription()) > 512 || !utf8.ValidString(v.GetDescription()) {
			t.Fatalf("violation description of %d bytes", len(v.GetDescription()))
		}
	}
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
func base64URL(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }
