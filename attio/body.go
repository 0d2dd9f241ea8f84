package attio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// DefaultMaxBodyBytes is the default of Config.MaxBodyBytes: a 500-record page of a wide object
// is a few MB; 64 MiB leaves room for very wide custom objects while one hostile or broken answer
// cannot take the process's memory.
const DefaultMaxBodyBytes = 64 << 20

// pooledBodyMax: buffers that grew beyond this are dropped instead of pooled, so one outsized page
// does not stay in the pool for good.
const pooledBodyMax = 16 << 20

// bodyPool holds page buffers: each page of an export or stream is read into one and decoded, and
// the buffer goes back for the next page, so pages cost no buffer growth after the first few.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ErrBodyTooLarge is returned (wrapped in *Error) for an answer larger than Config.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("attio: upstream answer larger than the configured maximum")

// decodeResponse hands a 2xx body to the call's decoder.
func (c *Client) decodeResponse(body io.Reader, cl call) error {
	if cl.decodeBody == nil {
		return cl.decode(json.NewDecoder(body))
	}
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= pooledBodyMax {
			bodyPool.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(body, c.maxBody+1)); err != nil {
		return err
	}
	if int64(buf.Len()) > c.maxBody {
		return fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, c.maxBody)
	}
	return cl.decodeBody(buf.Bytes())
}

// isBadJSON reports an answer that is not what Attio documents (malformed, or of the wrong
// shape): re-reading it cannot help. A body cut off mid-way can.
func isBadJSON(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var je *jsontext.SyntacticError
	if errors.As(err, &je) {
		return !errors.Is(err, io.ErrUnexpectedEOF)
	}
	return errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, errShape) || errors.Is(err, ErrBodyTooLarge)
}
