package server

import (
	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"

	"github.com/attio-facade/attio-facade/protocodec"
)

// codecs are the codecs the facade's handlers speak: binary protobuf with generated code both
// ways (protocodec: the bytes and messages of connect's own codec, without its reflection, and
// buffers sized to the message; issue 16, targets 1, 3 and 4) and protojson.
func codecs() []connect.Codec { return []connect.Codec{protocodec.New(), connectproto.NewJSONCodec()} }
