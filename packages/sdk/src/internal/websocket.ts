/**
 * NOT PUBLIC API (the two types are exported for `createClient({ WebSocket })`). The part of
 * the WHATWG WebSocket the live stream uses: the `on*` properties, which browsers, Node >= 22
 * (or 20 with `--experimental-websocket`), Deno, Bun, React Native and the `ws` package share.
 */

// Handlers are declared through a method so their parameter is checked bivariantly: the DOM's
// `(this: WebSocket, ev: MessageEvent) => any` and `ws`'s own event types both fit.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The `WebSocket` global at call time (so a polyfill installed later counts), or undefined. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  const ws = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  return typeof ws === 'function' ? ws : undefined;
}
