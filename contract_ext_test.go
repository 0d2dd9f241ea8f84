package attiofacade_test

import (
	"strings"
	"testing"

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
