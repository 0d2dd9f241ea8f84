// The generated client over every protocol the facade serves: unary calls, server streams, and
// errors with their details decoded through the vendored google.rpc and buf.validate types.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError } from "@connectrpc/connect";
import { ViolationsSchema } from "../src/gen/buf/validate/validate_pb.js";
import { ErrorInfoSchema, RecordService } from "../src/index.js";
import { client, protocols, startFacade } from "./facade.js";

const ada = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"; // Ada Lovelace in the sandbox's seed

const facade = await startFacade();

async function rejection(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (err) {
    return ConnectError.from(err);
  }
  assert.fail("the call succeeded; it must fail");
}

for (const protocol of Object.keys(protocols)) {
  describe(protocol, () => {
    test("unary: GetRecord", async () => {
      const records = client(RecordService, facade, protocol, "sandbox-reader");
      const { record } = await records.getRecord({ object: "people", recordId: ada });
      assert.equal(record?.id?.recordId, ada);
      assert.ok(record?.values["name"], "the record carries its name attribute");
    });

    test("server stream: StreamRecords returns what QueryRecords pages through", async () => {
      const records = client(RecordService, facade, protocol, "sandbox-reader");
      const streamed: string[] = [];
      for await (const batch of records.streamRecords({ object: "people" })) {
        streamed.push(...batch.records.map((r) => r.id?.recordId ?? ""));
      }
      const queried: string[] = [];
      let pageToken = "";
      do {
        const page = await records.queryRecords({ object: "people", pageToken });
        queried.push(...page.records.map((r) => r.id?.recordId ?? ""));
        pageToken = page.nextPageToken;
      } while (pageToken !== "");
      assert.ok(streamed.includes(ada));
      assert.deepEqual([...streamed].sort(), [...queried].sort());
    });

    test("error details: a bad request carries buf.validate.Violations", async () => {
      const records = client(RecordService, facade, protocol, "sandbox-reader");
      const err = await rejection(records.getRecord({ object: "people", recordId: "not-a-uuid" }));
      assert.equal(err.code, Code.InvalidArgument);
      const violations = err.findDetails(ViolationsSchema).flatMap((v) => v.violations);
      assert.ok(
        violations.some((v) => v.field?.elements.some((e) => e.fieldName === "record_id")),
        `no violation names record_id: ${JSON.stringify(violations)}`,
      );
    });

    test("error details: an upstream failure carries google.rpc.ErrorInfo", async () => {
      const records = client(RecordService, facade, protocol, "sandbox-reader");
      const err = await rejection(records.getRecord({ object: "people", recordId: "00000000-0000-4000-8000-000000000000" }));
      assert.equal(err.code, Code.NotFound);
      const [info] = err.findDetails(ErrorInfoSchema);
      assert.ok(info, `no ErrorInfo among ${err.details.length} details`);
      assert.equal(info.domain, "attio.com");
      assert.ok(info.reason !== "", "ErrorInfo names a reason");
    });

    test("no credentials: Unauthenticated", async () => {
      const records = client(RecordService, facade, protocol);
      const err = await rejection(records.getRecord({ object: "people", recordId: ada }));
      assert.equal(err.code, Code.Unauthenticated);
    });
  });
}
