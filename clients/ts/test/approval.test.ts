// The approval flow through withApproval, with two sandbox principals: sandbox-writer asks,
// sandbox-approver decides. Each protocol deletes its own record, so the cases stay independent.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ApprovalNotGrantedError,
  ApprovalService,
  ApprovalState,
  RecordService,
  UpdateMode,
  approvalHeader,
  approvalRequired,
  withApproval,
  type ApprovalRequired,
} from "../src/index.js";
import { client, protocols, startFacade } from "./facade.js";

const facade = await startFacade();

// A seeded person (not Ada) per approved delete, read once over Connect.
const ada = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602";
const people = await (async () => {
  const reader = client(RecordService, facade, "connect+json", "sandbox-reader");
  const { records } = await reader.queryRecords({ object: "people" });
  return records.map((r) => r.id?.recordId ?? "").filter((id) => id !== ada);
})();
let nextPerson = 0;
function takePerson(): string {
  const id = people[nextPerson++];
  assert.ok(id, `the sandbox seeds too few people (${people.length}) for the cases`);
  return id;
}

// A write that is never approved: an update of Ada with a value no other case uses, so each case
// gets its own approval (an identical request would find the pending one of another case).
let nextDay = 1;
function uniqueUpdate() {
  const day = nextDay++;
  return {
    object: "people",
    recordId: ada,
    mode: UpdateMode.OVERWRITE,
    values: {
      last_contacted_at: { values: [{ value: { case: "timestamp" as const, value: timestampFromDate(new Date(Date.UTC(2020, 0, day))) } }] },
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail("the call succeeded; it must fail");
}

for (const protocol of Object.keys(protocols)) {
  describe(protocol, () => {
    const records = client(RecordService, facade, protocol, "sandbox-writer");
    const mine = client(ApprovalService, facade, protocol, "sandbox-writer");
    const approver = client(ApprovalService, facade, protocol, "sandbox-approver");
    const reader = client(RecordService, facade, protocol, "sandbox-reader");

    test("approved: the write runs once, with the token, and the token is then spent", async () => {
      const req = { object: "people", recordId: takePerson() };
      let asked: ApprovalRequired | undefined;
      let token = "";
      const res = await withApproval(
        (options) => {
          token = new Headers(options.headers).get(approvalHeader) ?? "";
          return records.deleteRecord(req, options);
        },
        mine,
        {
          pollIntervalMs: 10,
          // The approver acts on the notification, as a person would.
          onApprovalRequired: async (detail) => {
            asked = detail;
            await approver.approve({ approvalId: detail.approvalId });
          },
        },
      );
      assert.ok(res);
      assert.ok(asked, "onApprovalRequired was not called");
      assert.equal(asked.procedure, "/attio.v1.RecordService/DeleteRecord");
      assert.match(asked.summary, /DeleteRecord/);
      assert.notEqual(token, "", "the second call carried no approval token");

      const gone = ConnectError.from(await rejection(reader.getRecord(req)));
      assert.equal(gone.code, Code.NotFound, "the record is deleted");
      const replay = ConnectError.from(await rejection(records.deleteRecord(req, { headers: { [approvalHeader]: token } })));
      assert.equal(replay.code, Code.PermissionDenied, "a spent token is refused");
    });

    test("denied: ApprovalNotGrantedError names the approver and the reason, and nothing is written", async () => {
      const req = uniqueUpdate();
      const before = (await reader.getRecord({ object: "people", recordId: ada })).record?.values["last_contacted_at"];
      const err = await rejection(
        withApproval((options) => records.updateRecord(req, options), mine, {
          pollIntervalMs: 10,
          onApprovalRequired: async (detail) => {
            await approver.deny({ approvalId: detail.approvalId, reason: "keep this one" });
          },
        }),
      );
      assert.ok(err instanceof ApprovalNotGrantedError, `got ${String(err)}`);
      assert.equal(err.state, ApprovalState.DENIED);
      assert.equal(err.approval.reason, "keep this one");
      assert.match(err.message, /denied: keep this one \(by .*sandbox-approver/);
      const { record } = await reader.getRecord({ object: "people", recordId: ada });
      assert.deepEqual(record?.values["last_contacted_at"], before, "the denied update was not written");
    });

    test("abort: the wait ends with the signal, the approval stays pending", async () => {
      const req = uniqueUpdate();
      const controller = new AbortController();
      let approvalId = "";
      const err = await rejection(
        withApproval((options) => records.updateRecord(req, options), mine, {
          pollIntervalMs: 10,
          signal: controller.signal,
          onApprovalRequired: (detail) => {
            approvalId = detail.approvalId;
            controller.abort(new Error("the user gave up"));
          },
        }),
      );
      assert.match(String(err), /the user gave up/);
      const { approval } = await mine.getApproval({ approvalId });
      assert.equal(approval?.state, ApprovalState.PENDING);
    });

    test("other errors pass through untouched", async () => {
      let calls = 0;
      const err = await rejection(
        withApproval(
          (options) => {
            calls++;
            return records.deleteRecord({ object: "people", recordId: "not-a-uuid" }, options);
          },
          mine,
          { onApprovalRequired: () => assert.fail("a bad request needs no approval") },
        ),
      );
      assert.equal(ConnectError.from(err).code, Code.InvalidArgument);
      assert.equal(approvalRequired(err), undefined);
      assert.equal(calls, 1);
    });
  });
}
