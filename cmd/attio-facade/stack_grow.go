package main

import "net/http"

// preGrownStacks grows each HTTP/2 stream's handler goroutine stack to 16 KiB in one step, before
// the handler runs. net/http starts a goroutine per HTTP/2 stream at the runtime's starting size
// (the average stack in use at the last GC, which idle goroutines keep near the minimum), and the
// facade's handler path (connect, the interceptors, the decoder) then doubled it two or three
// times per call, copying and adjusting the stack each time (runtime.newstack, 3.8% of the
// facade's CPU over gRPC; 0.8% after, GetRecord's path fits in 16 KiB); the runtime frees a
// grown stack when the goroutine exits, so every call paid again. HTTP/1.1 is left alone: its connection goroutine keeps its stack between
// requests, and growing idle keep-alive connections' stacks would cost memory per connection.
// Streams are bounded by the HTTP/2 server's concurrent streams per connection and the stream
// limits; a stack the handler does not use is shrunk by the next GC.
func preGrownStacks(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 2 {
			growStack()
		}
		h.ServeHTTP(w, r)
	})
}

// growStack (stack_grow.s) has an 8 KiB frame and no body. Entering it makes the runtime fit
// the frame in one step: it doubles the stack until what is in use plus the frame fits, which on a
// fresh goroutine gives 16 KiB, the largest size the runtime serves from its per-P stack caches.
// Assembly, so that the frame is not zeroed on every call as a Go array would be.
func growStack()
