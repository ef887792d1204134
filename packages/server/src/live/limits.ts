/**
 * What keeps one client, one key or one tenant from taking the live stream (and the database
 * pool behind it) for itself. Caps count sockets on this instance: each instance protects its
 * own memory and pool, and a load balancer spreads clients over instances.
 */

/**
 * A counting gate with a bounded queue: at most `max` holders at once, at most `maxWaiting`
 * waiting, each for at most the time it asks. Guards database work a connection storm would
 * otherwise pile onto the pool (key look-ups, snapshots), so REST requests of every tenant
 * keep getting connections.
 */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly maxWaiting: number,
  ) {}

  /** A release function, or null when the queue is full or `waitMs` passed without a permit. */
  enter(waitMs: number): Promise<(() => void) | null> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(null);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.active++;
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(null);
      }, waitMs);
      this.waiting.push(wake);
    });
  }

  get holders(): number {
    return this.active;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

/**
 * A token bucket for frames a client sends (pings): `perSecond` on average, bursts of twice
 * that. A client past it is not a wall-board keeping its connection alive.
 */
export class FrameBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = perSecond * 2;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Open sockets per key and per tenant; `tryOpen` refuses past either cap. */
export class SocketCounts {
  private readonly byKey = new Map<string, number>();
  private readonly byTenant = new Map<string, number>();

  constructor(
    private readonly maxPerKey: number,
    private readonly maxPerTenant: number,
  ) {}

  /** Counts a socket in, or says which cap it would pass. */
  tryOpen(keyId: string, tenantId: string): 'key' | 'tenant' | null {
    const key = this.byKey.get(keyId) ?? 0;
    const tenant = this.byTenant.get(tenantId) ?? 0;
    if (key >= this.maxPerKey) return 'key';
    if (tenant >= this.maxPerTenant) return 'tenant';
    this.byKey.set(keyId, key + 1);
    this.byTenant.set(tenantId, tenant + 1);
    return null;
  }

  close(keyId: string, tenantId: string): void {
    decrement(this.byKey, keyId);
    decrement(this.byTenant, tenantId);
  }
}

function decrement(map: Map<string, number>, id: string): void {
  const n = (map.get(id) ?? 0) - 1;
  if (n <= 0) map.delete(id);
  else map.set(id, n);
}
