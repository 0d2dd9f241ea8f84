// Builds the console into dist/: one ES module bundle, its CSS and index.html, with no inline
// script or style (the facade's Content-Security-Policy forbids them). The output is committed and
// embedded by embed.go; CI rebuilds it and fails when it differs (see .ci/run).
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
copyFileSync("src/index.html", "dist/index.html");
copyFileSync("src/app.css", "dist/app.css");
