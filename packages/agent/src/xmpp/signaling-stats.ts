// What a repository's channel reports (herald status, the dashboard, the bench).
export interface SignalingStats {
  online: boolean;
  announced: number;
  heard: number;
  dropped: Record<string, number>;
  lastOut: { sha: string; at: string } | null;
  lastIn: { node: string; sha: string; at: string } | null;
  peersSeen: string[];
  /** Items arrive without the publisher the server should stamp: every announcement is ignored. */
  publisherMissing: boolean;
  /** Heads reached but not announced: another clone's announcement had told everyone (announce-policy.ts). */
  quiet?: number;
  /** The session's stanza counts (shared by the repositories of one account). */
  stanzas?: { in: number; out: number };
}
