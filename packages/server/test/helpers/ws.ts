import WebSocket from 'ws';

export interface LiveMessage {
  type: string;
  seq: number;
  [key: string]: unknown;
}

/** A live-stream client for tests: collects every message and the close code. */
export class TestLiveClient {
  readonly messages: LiveMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];
  readonly socket: WebSocket;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as LiveMessage);
      this.wake();
    });
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    this.socket.on('error', () => {});
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `predicate` holds (checked after every message and on close), or rejects after `ms`. */
  async until(predicate: () => boolean, ms = 60_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; got ${this.messages.length} messages, closed=${JSON.stringify(this.closed)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  events(): LiveMessage[] {
    return this.messages.filter((m) => m.type !== 'snapshot' && m.type !== 'keepalive' && m.type !== 'pong');
  }

  close() {
    this.socket.close();
  }
}
