import * as api from "./index.js";

describe("@herald/protocol entry point", () => {
  it("exports exactly the documented runtime API (changing it is a breaking change)", () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        "NS_HERALD", "PROTOCOL_VERSION", "pubsubNodeName",
        "InvalidFieldError", "MalformedElementError", "MissingFieldError", "PayloadTooLargeError", "ProtocolError",
        "UnexpectedContentError", "UnknownElementError", "UnsupportedVersionError", "WrongNamespaceError",
        "assertBranchRef", "assertNodeId", "assertRefName", "assertRepoId", "assertSeq", "assertSha",
        "branchRefProblem", "idProblem", "refNameProblem",
        "isBranchRef", "isNodeId", "isRefName", "isRepoId", "isSeq", "isSha", "MAX_ID_LENGTH", "MAX_REF_BYTES",
        "formatDateTime", "isTimestamp", "MAX_TIMESTAMP", "parseDateTime",
        "announcementFromElement", "announcementToElement", "MAX_ANNOUNCE_BYTES",
        "MAX_EDGES", "MAX_MAP_BYTES", "networkMapFromElement", "networkMapToElement",
        "decodePayload", "encodePayload",
        "CHAT_COMMANDS", "parseChatCommand",
      ].sort(),
    );
  });
});
