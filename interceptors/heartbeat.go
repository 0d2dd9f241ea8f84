package interceptors

import (
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// heartbeats caches, per message type, whether the contract marks it (attio.v1.heartbeat).
var heartbeats sync.Map // protoreflect.FullName -> bool

// isHeartbeat reports whether a stream message carries nothing but heartbeats: its set fields are
// all singular messages of a type marked attio.v1.heartbeat (an export's progress report). Such a
// message costs the upstream nothing, so the caller rate limit does not charge for it.
func isHeartbeat(msg any) bool {
	m, ok := msg.(proto.Message)
	if !ok {
		return false
	}
	set, heartbeat := false, true
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		set = true
		heartbeat = fd.Kind() == protoreflect.MessageKind && fd.Cardinality() != protoreflect.Repeated && marked(fd.Message())
		return heartbeat
	})
	return set && heartbeat
}

func marked(md protoreflect.MessageDescriptor) bool {
	if v, ok := heartbeats.Load(md.FullName()); ok {
		return v.(bool)
	}
	opts, _ := md.Options().(*descriptorpb.MessageOptions)
	v := opts != nil && proto.GetExtension(opts, attiov1.E_Heartbeat).(bool)
	heartbeats.Store(md.FullName(), v)
	return v
}
