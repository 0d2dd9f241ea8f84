package server_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Ids from testdata/seed/workspace.json (the default connection's workspace).
const (
	seedAcme            = "5a4cbf71-eb61-4ffa-bccd-a9fb10f6e5ea" // companies: Acme Analytics
	seedGlobex          = "85f932a6-d481-527d-9a47-e84ebdb1db1f" // companies: Globex
	seedAda             = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602" // people
	seedPersonTwo       = "0823c0f7-d09c-42d8-9e02-a326a8315b45" // people
	seedBob             = "b8735e67-c669-4914-9880-ec78a7573079" // workspace member (member)
	seedPipelineEntry   = "94cafb4a-3799-4968-b831-08f00c8e450c" // sales_pipeline entry of Acme
	seedSalesPipelineID = "5a199078-8b3f-405e-95a3-06a2417d65f7"
	seedRecruitingID    = "28eb2ac9-e574-53b4-b5b3-3b83dbb1ea97"
	seedProjectsID      = "bb9e147c-bf7b-4d56-8372-3b3e37a7ab75"

	seedTaskProposal = "a0eb28e0-28af-4937-be9a-d7fd31097f25"
	seedTaskQBR      = "3be7995a-b019-5e4a-ba49-04f760ff01b3"
	seedTaskCleanup  = "d06767ec-51a6-5e26-93c3-7b64f108e96d"

	seedNoteDiscovery = "02968448-8e3b-480a-8624-cd0f4083f136"
	seedNoteIntro     = "78902e81-f998-5691-a547-3f8be529e876"
	seedNoteFollowUp  = "ab58e554-98fb-5f16-bcf6-bb900fdb7d8f"

	seedThreadRecord  = "6743d671-414d-45ac-a56f-4d8da4e5fff4"
	seedCommentFirst  = "b790b267-4748-4b52-844c-2eb4133b768e"
	seedCommentReply  = "b7705c93-aae9-51eb-8244-5a7e6453877a"
	seedThreadEntry   = "a9a37cd1-f839-5213-9c1e-dcb7fcf2bffb"
	seedCommentOnEntr = "c47d98bf-1a47-5bf0-9a17-cb082c9ff775"

	seedMeetingDiscovery = "1caf6c15-a510-4bea-820e-bf0e1fd62f64"
	seedMeetingOffsite   = "56c3bc26-7c4c-589e-a8fc-d5bed85e37b7"
	seedMeetingQBR       = "b8bab3e6-6fa4-5f17-a137-fd86c07a15f4"
	seedRecordingDone    = "92448868-cc22-42b1-9950-9fd6bd8fa1a6"
	seedRecordingPending = "807390d8-7f1a-57f7-a11a-a37371df5879"

	seedWebhookRecords = "2161d0ab-0e7f-4df2-a5e0-0fba55ebf06a"
	seedWebhookTasks   = "a3dc74fb-8746-55a3-9c3d-4829fe49681c"

	// unknownID is a well-formed id nothing in the seed has.
	unknownID = "00000000-0000-4000-8000-000000000001"
)

// The seed's tasks, notes and meetings in Attio's default orders: tasks and notes by created_at,
// meetings by start, earliest first.
var (
	seedTasks    = []string{seedTaskQBR, seedTaskCleanup, seedTaskProposal}
	seedNotes    = []string{seedNoteIntro, seedNoteFollowUp, seedNoteDiscovery}
	seedMeetings = []string{seedMeetingQBR, seedMeetingDiscovery, seedMeetingOffsite}
)

// eachProtocol runs f once per wire protocol, in parallel, each against its own seeded sandbox so
// writes in one run cannot disturb another.
func eachProtocol(t *testing.T, f func(t *testing.T, h *harness, p protocol)) {
	t.Helper()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			f(t, newHarness(t, harnessConfig{}), p)
		})
	}
}

// eachClient runs the test in parallel and f once per wire protocol (see eachProtocol), with the
// test's context and a client of one service on that protocol.
func eachClient[C any](t *testing.T, newClient func(*connect.Client) C, f func(t *testing.T, ctx context.Context, c C, h *harness, p protocol)) {
	t.Helper()
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		f(t, t.Context(), newClient(h.rpc(p)), h, p)
	})
}

// wantProto fails the test with the difference when got is not want.
func wantProto(t testing.TB, what string, got, want proto.Message) {
	t.Helper()
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Fatalf("%s (-want +got):\n%s", what, diff)
	}
}

func wantCode(t testing.TB, err error, want connect.Code) {
	t.Helper()
	if got := connect.CodeOf(err); err == nil || got != want {
		t.Fatalf("error = %v, want code %v", err, want)
	}
}

// wantLocalInvalid asserts call is refused as InvalidArgument before anything reaches Attio.
func wantLocalInvalid(t testing.TB, h *harness, call func() error) {
	t.Helper()
	before := h.sb.Sandbox.Stats().Total
	wantCode(t, call(), connect.CodeInvalidArgument)
	if after := h.sb.Sandbox.Stats().Total; after != before {
		t.Fatalf("upstream saw %d requests for a locally invalid call", after-before)
	}
}

// drain reads a server stream to its clean end.
func drain[R any](t testing.TB, recv func() (R, error)) []R {
	t.Helper()
	var out []R
	for {
		m, err := recv()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		out = append(out, m)
	}
}

// streamedIDs drains a server stream that opened with err: its messages, and the ids key finds in
// them, in order.
func streamedIDs[M any, S interface{ Receive() (M, error) }](t testing.TB, st S, err error, key func(M) []string) (msgs []M, ids []string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	msgs = drain(t, st.Receive)
	for _, m := range msgs {
		ids = append(ids, key(m)...)
	}
	return msgs, ids
}

// streamErr reads a server stream until it fails and returns the failure (nil on a clean end).
func streamErr[R any](recv func() (R, error)) error {
	for {
		if _, err := recv(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func mustTime(t testing.TB, s string) *timestamppb.Timestamp {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return timestamppb.New(v)
}

func wantTime(t testing.TB, what string, got *timestamppb.Timestamp, want string) {
	t.Helper()
	if want == "" {
		if got != nil {
			t.Fatalf("%s = %v, want unset", what, got.AsTime())
		}
		return
	}
	if got == nil || !got.AsTime().Equal(mustTime(t, want).AsTime()) {
		t.Fatalf("%s = %v, want %s", what, got, want)
	}
}

// onConnection sends the call to another Maton connection (Attio workspace).
func onConnection(ctx context.Context, id string) context.Context {
	ctx, info := connect.NewClientContext(ctx)
	info.RequestHeader().Set("Maton-Connection", id)
	return ctx
}
