// @herald/protocol: Herald's wire protocol. Pure: no I/O, no clock. Re-exports only.
export { NS_HERALD, PROTOCOL_VERSION, pubsubNodeName } from "./namespace.js";
export {
  InvalidFieldError,
  MalformedElementError,
  MissingFieldError,
  PayloadTooLargeError,
  ProtocolError,
  type ProtocolErrorCode,
  UnexpectedContentError,
  UnknownElementError,
  UnsupportedVersionError,
  WrongNamespaceError,
} from "./errors.js";
export {
  assertBranchRef,
  assertNodeId,
  assertRefName,
  assertRepoId,
  assertSeq,
  assertSha,
  branchRefProblem,
  idProblem,
  isBranchRef,
  isNodeId,
  isRefName,
  isRepoId,
  isSeq,
  isSha,
  MAX_ID_LENGTH,
  MAX_REF_BYTES,
  refNameProblem,
} from "./validate.js";
export { formatDateTime, isTimestamp, MAX_TIMESTAMP, parseDateTime } from "./datetime.js";
export { announcementFromElement, announcementToElement, type CommitAnnouncement, MAX_ANNOUNCE_BYTES } from "./announcement.js";
export { MAX_EDGES, MAX_MAP_BYTES, type MapEdge, networkMapFromElement, networkMapToElement, type NetworkMapAdvert } from "./network-map.js";
export { type DecodeResult, decodePayload, encodePayload, type Payload } from "./payload.js";
export { CHAT_COMMANDS, type ChatCommand, type ChatRequest, parseChatCommand } from "./chat-command.js";
