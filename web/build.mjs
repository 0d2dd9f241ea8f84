// Builds the console into dist/: one ES module bundle, the download worker, its CSS and
// index.html, with no inline script or style (the facade's Content-Security-Policy forbids them).
// The output is committed and embedded by embed.go; CI rebuilds it and fails when it differs (see
// .ci/run).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: ["src/main.ts"],
  // One tsconfig for every file, including the generated code imported from ../clients/ts/src/gen:
  // its "paths" map @attio-facade/client/gen/* there and @bufbuild/protobuf to web/node_modules,
  // so the bundle never depends on whether clients/ts/node_modules is installed.
  tsconfig: "tsconfig.json",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  outfile: "dist/app.js",
  logLevel: "warning",
});
// The download worker (src/sw.ts, see src/download.ts): a classic script at /console/sw.js, so its
// scope is the console's directory.
await build({
  entryPoints: ["src/sw.ts"],
  bundle: true,
  format: "iife",
  target: "es2022",
  minify: true,
  legalComments: "none",
  outfile: "dist/sw.js",
  tsconfig: "tsconfig.sw.json",
  logLevel: "warning",
});
copyFileSync("src/index.html", "dist/index.html");
copyFileSync("src/app.css", "dist/app.css");
copyFileSync("src/favicon.svg", "dist/favicon.svg");
