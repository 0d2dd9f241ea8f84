// The package entry: the attio.v1 contract (services, messages, enums), the google.rpc error
// details the facade sends, and the helpers. Other generated files: "@attio-facade/client/gen/...".
export * from "./approval.js";
export * from "./auth.js";
export * from "./gen/attio/v1/access_pb.js";
export * from "./gen/attio/v1/approval_service_pb.js";
export * from "./gen/attio/v1/attribute_service_pb.js";
export * from "./gen/attio/v1/comment_service_pb.js";
export * from "./gen/attio/v1/common_pb.js";
export * from "./gen/attio/v1/connection_service_pb.js";
export * from "./gen/attio/v1/entry_service_pb.js";
export * from "./gen/attio/v1/export_service_pb.js";
export * from "./gen/attio/v1/filter_pb.js";
export * from "./gen/attio/v1/list_service_pb.js";
export * from "./gen/attio/v1/meeting_service_pb.js";
export * from "./gen/attio/v1/note_service_pb.js";
export * from "./gen/attio/v1/object_service_pb.js";
export * from "./gen/attio/v1/record_service_pb.js";
export * from "./gen/attio/v1/rules_pb.js";
export * from "./gen/attio/v1/task_service_pb.js";
export * from "./gen/attio/v1/values_pb.js";
export * from "./gen/attio/v1/webhook_service_pb.js";
export * from "./gen/attio/v1/workspace_service_pb.js";
export * from "./gen/google/rpc/error_details_pb.js";
