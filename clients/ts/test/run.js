// npm test: runs the compiled node:test suites (dist/test) against attio-facade binaries they
// start themselves on free loopback ports, on the embedded sandbox. The binary comes from
// ATTIO_FACADE_BIN (the Go tests and CI pass theirs); without it, this builds one with Go once,
// so each suite's setup only spawns it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "../../..");
let tmp;
if (!process.env.ATTIO_FACADE_BIN) {
  tmp = mkdtempSync(join(tmpdir(), "attio-facade-ts-"));
  const bin = join(tmp, "attio-facade");
  console.log(`building ${bin} (set ATTIO_FACADE_BIN to use a built binary)`);
  const built = spawnSync("go", ["build", "-o", bin, "./cmd/attio-facade"], { cwd: root, stdio: "inherit" });
  if (built.error || built.status !== 0) {
    console.error("cannot build attio-facade: the tests need Go, or ATTIO_FACADE_BIN set to a built binary");
    process.exit(1);
  }
  process.env.ATTIO_FACADE_BIN = bin;
}
const res = spawnSync(process.execPath, ["--test", join(here, "../dist/test")], { stdio: "inherit" });
if (tmp) rmSync(tmp, { recursive: true, force: true });
process.exit(res.status ?? 1);
