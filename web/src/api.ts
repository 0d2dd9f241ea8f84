// The facade's public RPCs, same-origin over the Connect protocol (binary): no CORS needed.
import { createClient, type Interceptor, ConnectError, Code } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ApprovalService } from "@attio-facade/client/gen/attio/v1/approval_service_pb.js";
import { SessionService } from "@attio-facade/client/gen/attio/v1/session_service_pb.js";
import { RecordService } from "@attio-facade/client/gen/attio/v1/record_service_pb.js";
import { ObjectService } from "@attio-facade/client/gen/attio/v1/object_service_pb.js";
import { AttributeService } from "@attio-facade/client/gen/attio/v1/attribute_service_pb.js";
import { ConnectionService } from "@attio-facade/client/gen/attio/v1/connection_service_pb.js";
import { ExportService } from "@attio-facade/client/gen/attio/v1/export_service_pb.js";
import { token } from "./session";

const auth: Interceptor = (next) => async (req) => {
  const t = token();
  if (t) req.header.set("Authorization", `Bearer ${t}`);
  return next(req);
};

const transport = createConnectTransport({
  baseUrl: location.origin,
  useBinaryFormat: true,
  interceptors: [auth],
});

export const approvals = createClient(ApprovalService, transport);
export const session = createClient(SessionService, transport);
export const records = createClient(RecordService, transport);
export const objects = createClient(ObjectService, transport);
export const attributes = createClient(AttributeService, transport);
export const connections = createClient(ConnectionService, transport);
export const exports = createClient(ExportService, transport);

/** Call options for a Maton connection ("" is the default connection). */
export function on(connection: string, signal?: AbortSignal): { headers?: Record<string, string>; signal?: AbortSignal } {
  return { headers: connection ? { "Maton-Connection": connection } : undefined, signal };
}

/** A one-line description of an error for the user. */
export function describe(err: unknown): string {
  const e = ConnectError.from(err);
  return `${Code[e.code]}: ${e.rawMessage}`;
}

export { ConnectError, Code };
