package attiofacade_test

import (
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/attio-facade/attio-facade/gen/attio/v1" // registers the attio.v1 files
)

// contractFiles are the files of the public contract, attio.v1, as the binary registers them.
func contractFiles(t *testing.T) []protoreflect.FileDescriptor {
	t.Helper()
	var out []protoreflect.FileDescriptor
	protoregistry.GlobalFiles.RangeFilesByPackage("attio.v1", func(fd protoreflect.FileDescriptor) bool {
		out = append(out, fd)
		return true
	})
	if len(out) < 10 {
		t.Fatalf("only %d attio.v1 files registered", len(out))
	}
	return out
}

// eachMessage calls fn for every message of the contract, nested ones included.
func eachMessage(t *testing.T, fn func(protoreflect.MessageDescriptor)) {
	t.Helper()
	var walk func(protoreflect.MessageDescriptors)
	walk = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			fn(ms.Get(i))
			walk(ms.Get(i).Messages())
		}
	}
	for _, fd := range contractFiles(t) {
		walk(fd.Messages())
	}
}

// keywords are the reserved words of Python and C++, whose generated code uses field names as they
// are: a field named like one has no plain accessor (Python reaches it only through getattr, C++
// renames it with a trailing underscore). Go, Java and TypeScript camel-case or quote names.
var keywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		and as assert async await break class continue def del elif else except finally for from global
		if import in is lambda nonlocal not or pass raise return try while with yield None True False
		alignas alignof and_eq asm auto bitand bitor bool case catch char compl concept const consteval
		constexpr const_cast co_await co_return co_yield decltype default delete do double dynamic_cast
		enum explicit export extern float friend goto inline int long mutable namespace new noexcept
		not_eq nullptr operator or_eq private protected public register reinterpret_cast requires short
		signed sizeof static static_assert static_cast struct switch template this thread_local throw
		typedef typeid typename union unsigned using virtual void volatile wchar_t xor xor_eq`) {
		m[w] = true
	}
	return m
}()

// TestContractNamesAreNotKeywords: no field or oneof of attio.v1 is named like a keyword of a
// caller's language (filter nodes are all/any/negate and conditions have op, not and/or/not/operator).
func TestContractNamesAreNotKeywords(t *testing.T) {
	t.Parallel()
	eachMessage(t, func(md protoreflect.MessageDescriptor) {
		for i := range md.Fields().Len() {
			if f := md.Fields().Get(i); keywords[string(f.Name())] {
				t.Errorf("%s: field name is a keyword", f.FullName())
			}
		}
		for i := range md.Oneofs().Len() {
			if o := md.Oneofs().Get(i); keywords[string(o.Name())] {
				t.Errorf("%s: oneof name is a keyword", o.FullName())
			}
		}
	})
}

// eachMethod calls fn for every RPC of the contract.
func eachMethod(t *testing.T, fn func(protoreflect.MethodDescriptor)) {
	t.Helper()
	for _, fd := range contractFiles(t) {
		for i := range fd.Services().Len() {
			ms := fd.Services().Get(i).Methods()
			for j := range ms.Len() {
				fn(ms.Get(j))
			}
		}
	}
}

// TestListRPCsPage: every List RPC pages the AIP-158 way: page_size with a validated maximum,
// page_token with a bounded length, and next_page_token in the response.
func TestListRPCsPage(t *testing.T) {
	t.Parallel()
	lists := 0
	eachMethod(t, func(md protoreflect.MethodDescriptor) {
		if !strings.HasPrefix(string(md.Name()), "List") {
			return
		}
		lists++
		in, out := md.Input().Fields(), md.Output().Fields()
		size, token, next := in.ByName("page_size"), in.ByName("page_token"), out.ByName("next_page_token")
		if size == nil || size.Kind() != protoreflect.Int32Kind || token == nil || token.Kind() != protoreflect.StringKind ||
			next == nil || next.Kind() != protoreflect.StringKind {
			t.Errorf("%s: needs int32 page_size, string page_token and string next_page_token", md.FullName())
			return
		}
		sr, _ := proto.GetExtension(size.Options(), validate.E_Field).(*validate.FieldRules)
		if lte := sr.GetInt32().GetLte(); lte < 1 || lte > 1000 || sr.GetInt32().GetGte() != 0 {
			t.Errorf("%s.page_size: rules %v; want gte 0 and a maximum (lte) of at most 1000", md.FullName(), sr)
		}
		tr, _ := proto.GetExtension(token.Options(), validate.E_Field).(*validate.FieldRules)
		if tr.GetString().GetMaxLen() == 0 {
			t.Errorf("%s.page_token: no max_len", md.FullName())
		}
	})
	if lists < 17 {
		t.Errorf("only %d List RPCs found", lists)
	}
}

// TestStreamRPCsKept: the server-streaming walks stay beside the paged lists.
func TestStreamRPCsKept(t *testing.T) {
	t.Parallel()
	want := map[string]bool{}
	for _, n := range strings.Fields(`RecordService.StreamRecords EntryService.StreamEntries
		TaskService.StreamTasks NoteService.StreamNotes MeetingService.StreamMeetings
		MeetingService.StreamCallRecordings ViewService.StreamObjectViews ViewService.StreamListViews FileService.StreamFiles
		ScimService.StreamScimUsers ScimService.StreamScimGroups ActivityService.StreamActivities
		ActivityRecordService.StreamActivityRecords AttributeService.StreamAttributes`) {
		want["attio.v1."+n] = true
	}
	eachMethod(t, func(md protoreflect.MethodDescriptor) {
		if md.IsStreamingServer() {
			delete(want, string(md.FullName()))
		}
	})
	for n := range want {
		t.Errorf("%s is gone or no longer server-streaming", n)
	}
}

// TestUpdatesUseFieldMasks: every Update RPC says what it changes one way, AIP-134's required
// update_mask, with no proto3 optional fields or set_* flags beside it. UpdateRecord, UpdateEntry
// and UpdateActivityRecord write a values map whose keys are the mask (docs/api-compatibility.md).
func TestUpdatesUseFieldMasks(t *testing.T) {
	t.Parallel()
	valueMaps := map[protoreflect.FullName]bool{"attio.v1.UpdateRecordRequest": true, "attio.v1.UpdateEntryRequest": true,
		"attio.v1.UpdateActivityRecordRequest": true}
	n := 0
	for _, fd := range contractFiles(t) {
		for i := range fd.Services().Len() {
			ms := fd.Services().Get(i).Methods()
			for j := range ms.Len() {
				m := ms.Get(j)
				if !strings.HasPrefix(string(m.Name()), "Update") {
					continue
				}
				n++
				in := m.Input()
				if valueMaps[in.FullName()] {
					continue
				}
				mask := in.Fields().ByName("update_mask")
				if mask == nil || mask.Message() == nil || mask.Message().FullName() != "google.protobuf.FieldMask" {
					t.Errorf("%s: no google.protobuf.FieldMask update_mask", in.FullName())
				}
				for k := range in.Fields().Len() {
					f := in.Fields().Get(k)
					if f.HasOptionalKeyword() || strings.HasPrefix(string(f.Name()), "set_") || strings.HasPrefix(string(f.Name()), "clear_") {
						t.Errorf("%s: %s says what changes beside the mask", in.FullName(), f.Name())
					}
				}
			}
		}
	}
	if n < 9 {
		t.Fatalf("only %d Update RPCs found", n)
	}
}
