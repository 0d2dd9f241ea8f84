// Package web serves the browser console (built from web/src into web/dist by `npm run build`,
// committed, and embedded here, so the facade serves it without node on the machine).
package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed dist
var dist embed.FS

// Path is where the facade mounts the console.
const Path = "/console/"

// ContentSecurityPolicy is sent with every console response: scripts, styles, connections and the
// download worker (sw.js, which streams exports to disk) from the facade's own origin only, and
// nothing inline (the build emits no inline script or style), no framing, no plugins, no forms
// posting elsewhere.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; worker-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Assets returns the built console.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded at build time: unreachable
	}
	return sub
}

// Handler serves the console under Path with the security headers. The console calls the
// facade's public RPCs on the same origin, so it needs no CORS (--cors-origins may stay unset).
func Handler() http.Handler {
	files := http.StripPrefix(Path, http.FileServerFS(Assets()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", ContentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		// The assets are not content-hashed: revalidate so a new facade's console is never mixed
		// with an old cached script.
		hd.Set("Cache-Control", "no-cache")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			hd.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		files.ServeHTTP(w, r)
	})
}
