// Guards for @xmpp/connection 0.14 (the newest release) where it throws from a socket event: a
// throw there is an uncaught exception, and the daemon dies with every repository it serves.
//
// Data before a stream parser: the connection writes every chunk a socket reads into its parser
// without checking there is one (Connection._onData). A server shutting down says so on every
// connection it holds (Prosody: a stream header and <system-shutdown/>), including one the client
// has just opened and not yet started a stream on, which has no parser yet: "Cannot read
// properties of null (reading 'write')" from the socket's data event. Found by restarting Prosody
// under logged-in sessions. Fixed upstream after 0.14 (xmpp.js#1100) the same way: such data is
// dropped; the close that follows it is seen as usual, and the client reconnects.

/** The connection's data handler; it is bound when the first socket is attached, so this must
 * run before `start()`. */
interface DataSink { parser: unknown; _onData(data: Buffer): void }

export function dropDataWithoutParser(client: object): void {
  const c = client as unknown as DataSink;
  const onData = c._onData;
  c._onData = function (this: DataSink, data: Buffer) {
    if (this.parser) onData.call(this, data);
  };
}
