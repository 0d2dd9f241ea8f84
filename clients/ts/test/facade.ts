// Starts an attio-facade (ATTIO_FACADE_BIN) on the embedded sandbox, on a free loopback port, and
// makes the clients the suites use: one per protocol the facade serves, and per principal.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after } from "node:test";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import type { DescService } from "@bufbuild/protobuf";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { bearer } from "../src/index.js";

export interface Facade {
  url: string;
  logs: string[];
}

/** Starts a facade for the calling file (await it at the top level) and stops it when the file's tests end. */
export async function startFacade(...args: string[]): Promise<Facade> {
  const bin = process.env.ATTIO_FACADE_BIN;
  if (!bin) {
    throw new Error("ATTIO_FACADE_BIN is not set: run the suites with `npm test`");
  }
  // The sandbox's own rate limits would only slow the suites down; the facade's are still on.
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--admin-addr", "", "--sandbox-rate-limits=false", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  after(async () => {
    child.kill("SIGTERM");
    await exited;
  });
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: only a facade that never starts fails here.
    const timer = setTimeout(() => reject(new Error(`the facade did not start:\n${logs.join("\n")}`)), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the facade exited (${code}) before listening:\n${logs.join("\n")}`));
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      logs.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; addr?: string };
        if (rec.msg === "listening" && rec.addr) {
          clearTimeout(timer);
          resolve(`http://${rec.addr}`);
        }
      } catch {
        // not a JSON log line
      }
    });
  });
  return { url, logs };
}

/** The protocols the facade serves, each as a transport factory over an interceptor chain. */
export const protocols: Record<string, (baseUrl: string, token?: string) => Transport> = {
  "connect+json": (baseUrl, token) =>
    createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: token ? [bearer(token)] : [] }),
  "connect+proto": (baseUrl, token) =>
    createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: true, interceptors: token ? [bearer(token)] : [] }),
  grpc: (baseUrl, token) => createGrpcTransport({ baseUrl, interceptors: token ? [bearer(token)] : [] }),
  "grpc-web": (baseUrl, token) =>
    createGrpcWebTransport({ baseUrl, httpVersion: "1.1", interceptors: token ? [bearer(token)] : [] }),
};

/** A client of service over protocol, calling as the sandbox principal token. */
export function client<S extends DescService>(service: S, facade: Facade, protocol: string, token?: string): Client<S> {
  const make = protocols[protocol];
  if (!make) throw new Error(`unknown protocol ${protocol}`);
  return createClient(service, make(facade.url, token));
}
