import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';

/**
 * Admission control: which work runs when the server is busy.
 *
 * A request does work (and holds a database connection) only while it holds a slot. There are
 * `WORK_SLOTS` of them; a request that finds none waits in its class's queue, and a freed slot
 * goes to the most urgent waiter. Each class has its own share of the slots, its own queue
 * length and its own longest wait; past those it gets 503 + Retry-After at once, instead of
 * every request timing out together on the database pool. A request counts only once its body
 * has arrived (preHandler), so slow uploads hold no slot.
 *
 * Classes, most urgent first (documented in the server README, "Under load"):
 * - `intake`: a call or an incident being reported. Never shed for pressure; it may use every
 *   slot, and a quarter of them is kept for it alone.
 * - `operations`: other writes (verify, dispatch, transitions, unit positions, admin).
 * - `read`: reads of incidents, units, calls.
 * - `snapshot`: bulk state for a screen (routes that say so; live-stream snapshots have their own cap).
 * - `lookup`: geocoding searches.
 * - `report`: reports and exports, the first to go.
 */
export const WORK_CLASSES = ['intake', 'operations', 'read', 'snapshot', 'lookup', 'report'] as const;
export type WorkClass = (typeof WORK_CLASSES)[number];

interface ClassPolicy {
  /** Share of the slots this class may hold at once. */
  share: number;
  /** Longest wait for a slot before 503. */
  maxWaitMs: number;
  /** Waiters beyond this get 503 at once. */
  maxQueue: number;
  /** Whether event-loop or memory pressure sheds this class before it queues. */
  shedUnderPressure: boolean;
  /** May use the slots kept for intake (the write path of the control room). */
  usesReserve: boolean;
}

const POLICY: Record<WorkClass, ClassPolicy> = {
  intake: { share: 1, maxWaitMs: 15_000, maxQueue: 5_000, shedUnderPressure: false, usesReserve: true },
  operations: { share: 1, maxWaitMs: 10_000, maxQueue: 1_000, shedUnderPressure: false, usesReserve: false },
  read: { share: 0.5, maxWaitMs: 3_000, maxQueue: 500, shedUnderPressure: true, usesReserve: false },
  snapshot: { share: 0.25, maxWaitMs: 3_000, maxQueue: 200, shedUnderPressure: true, usesReserve: false },
  lookup: { share: 0.25, maxWaitMs: 2_000, maxQueue: 200, shedUnderPressure: true, usesReserve: false },
  report: { share: 0.25, maxWaitMs: 5_000, maxQueue: 50, shedUnderPressure: true, usesReserve: false },
};

/** What a full class asks clients to wait, in seconds: the less urgent, the longer. */
const RETRY_AFTER_SECONDS: Record<WorkClass, number> = {
  intake: 1,
  operations: 2,
  read: 3,
  snapshot: 5,
  lookup: 5,
  report: 10,
};

interface Waiter {
  workClass: WorkClass;
  start: () => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface AdmissionStats {
  slots: number;
  busy: number;
  busyBy: Record<WorkClass, number>;
  waitingBy: Record<WorkClass, number>;
  shedBy: Record<WorkClass, number>;
}

const zeroes = (): Record<WorkClass, number> =>
  Object.fromEntries(WORK_CLASSES.map((c) => [c, 0])) as Record<WorkClass, number>;

export class Admission {
  private busy = 0;
  private readonly busyBy = zeroes();
  private readonly shedBy = zeroes();
  private readonly queues = Object.fromEntries(WORK_CLASSES.map((c) => [c, [] as Waiter[]])) as Record<
    WorkClass,
    Waiter[]
  >;
  /** Slots no class but intake may take. */
  private readonly reserve: number;

  constructor(readonly slots: number) {
    this.reserve = slots >= 4 ? Math.ceil(slots / 4) : 0;
  }

  /** Waits for a slot of `workClass`; resolves with its release (call it exactly once). */
  acquire(workClass: WorkClass): Promise<() => void> {
    if (this.canStart(workClass) && !this.moreUrgentWaiting(workClass)) {
      return Promise.resolve(this.take(workClass));
    }
    const policy = POLICY[workClass];
    const queue = this.queues[workClass];
    if (queue.length >= policy.maxQueue) return Promise.reject(this.refuse(workClass, 'queue full'));
    const waiting = new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        workClass,
        start: () => resolve(this.take(workClass)),
        timer: setTimeout(() => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(this.refuse(workClass, 'no capacity in time'));
        }, policy.maxWaitMs),
      };
      queue.push(waiter);
    });
    // Slots may be free for this class even though a more urgent one waits at its own cap.
    this.startWaiters();
    return waiting;
  }

  /** Runs `fn` holding a slot of `workClass`. */
  async run<T>(workClass: WorkClass, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(workClass);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Under event-loop or memory pressure, refuses the classes that give way first. */
  shedForPressure(workClass: WorkClass, reason: string): void {
    if (POLICY[workClass].shedUnderPressure) throw this.refuse(workClass, reason);
  }

  stats(): AdmissionStats {
    return {
      slots: this.slots,
      busy: this.busy,
      busyBy: { ...this.busyBy },
      waitingBy: Object.fromEntries(WORK_CLASSES.map((c) => [c, this.queues[c].length])) as Record<
        WorkClass,
        number
      >,
      shedBy: { ...this.shedBy },
    };
  }

  private canStart(workClass: WorkClass): boolean {
    const policy = POLICY[workClass];
    const classCap = Math.max(1, Math.floor(this.slots * policy.share));
    const totalCap = policy.usesReserve ? this.slots : this.slots - this.reserve;
    return this.busyBy[workClass] < classCap && this.busy < Math.max(1, totalCap);
  }

  private moreUrgentWaiting(workClass: WorkClass): boolean {
    for (const c of WORK_CLASSES) {
      if (this.queues[c].length > 0) return true; // earlier (or equally urgent) waiters go first
      if (c === workClass) return false;
    }
    return false;
  }

  private take(workClass: WorkClass): () => void {
    this.busy++;
    this.busyBy[workClass]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
      this.busyBy[workClass]--;
      this.startWaiters();
    };
  }

  /** Hands free slots to waiters, most urgent class first, first come first served within it. */
  private startWaiters(): void {
    for (const c of WORK_CLASSES) {
      const queue = this.queues[c];
      while (queue.length > 0 && this.canStart(c)) {
        const waiter = queue.shift()!;
        clearTimeout(waiter.timer);
        waiter.start();
      }
    }
  }

  private refuse(workClass: WorkClass, why: string): ApiError {
    this.shedBy[workClass]++;
    return new ApiError(
      'SIGAP_ERR_UNAVAILABLE',
      `The server is busy (${workClass}: ${why}); retry shortly.`,
      {
        retryAfterSeconds: RETRY_AFTER_SECONDS[workClass],
      },
    );
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    admission: Admission;
  }
  interface FastifyRequest {
    workClass: WorkClass | null;
  }
  interface FastifyContextConfig {
    /** Overrides the work class derived from the method and URL (see `classify`). */
    workClass?: WorkClass;
  }
}

/** Intake routes: a person reporting an emergency. Everything else derives from method and URL. */
const INTAKE = new Set(['POST /v1/incidents', 'POST /v1/calls']);

/** The work class of a route: its own `config.workClass`, else derived from method and URL. */
export function classify(method: string, url: string, configured?: WorkClass): WorkClass {
  if (configured) return configured;
  if (INTAKE.has(`${method} ${url}`)) return 'intake';
  if (url.startsWith('/v1/reports')) return 'report';
  if (url.startsWith('/v1/geocode')) return 'lookup';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'operations';
}

/**
 * Registers the admission controller: requests are classified as they arrive (so pressure
 * shedding can tell them apart before any work) and take their slot once their body is in.
 * Routes outside `/v1` (health, docs, the board's static files) and WebSocket upgrades (the
 * live hub caps its own snapshots) are not admitted here.
 */
export const admissionPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config }) => {
    const admission = new Admission(opts.config.limits.workSlots);
    app.decorate('admission', admission);
    app.decorateRequest('workClass', null);

    app.addHook('onRequest', async (request: FastifyRequest) => {
      const url = request.routeOptions.url;
      if (!url?.startsWith('/v1/') || request.headers.upgrade?.toLowerCase() === 'websocket') return;
      request.workClass = classify(request.method, url, request.routeOptions.config.workClass);
    });

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.workClass) return;
      const release = await admission.acquire(request.workClass);
      // The client may have gone while it waited (its 'close' already fired): give the slot back
      // now, or it would be held for ever, and do no work for nobody.
      if (connectionGone(request, reply)) {
        release();
        return reply.hijack();
      }
      reply.raw.once('finish', release);
      reply.raw.once('close', release);
    });
  },
  { name: 'sigap-admission' },
);

/** Whether the response can no longer be sent (the client closed, or it was answered already). */
export function connectionGone(request: FastifyRequest, reply: FastifyReply): boolean {
  return (
    reply.sent || reply.raw.destroyed || reply.raw.writableEnded || Boolean(request.raw.socket?.destroyed)
  );
}
