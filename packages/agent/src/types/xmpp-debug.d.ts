// @xmpp/debug 0.14 ships no typings; this is its whole public surface.
declare module "@xmpp/debug" {
  export default function debug(entity: unknown, force?: boolean): void;
  export function hideSensitive<T>(element: T): T;
}
