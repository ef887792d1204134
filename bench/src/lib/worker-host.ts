import { type ChildProcess, fork } from 'node:child_process';

/**
 * Load generators and baseline servers run in their own Node processes, so they never share an
 * event loop with the server under test or with each other. A worker is a TypeScript module in
 * src/workers/ that calls `serveWorker` (worker-child.ts); the host calls its handlers by name.
 */
export class Worker {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private exited: string | null = null;
  readonly child: ChildProcess;

  constructor(
    readonly name: string,
    env: Record<string, string> = {},
  ) {
    const file = new URL(`../workers/${name}.ts`, import.meta.url);
    this.child = fork(file, [], {
      // tsx as an import hook, resolved from this package so the cwd does not matter.
      execArgv: ['--import', import.meta.resolve('tsx'), '--max-old-space-size=4096'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child.on('message', (raw) => {
      const m = raw as { id: number; ok: boolean; result?: unknown; error?: string };
      const waiter = this.pending.get(m.id);
      if (!waiter) return;
      this.pending.delete(m.id);
      if (m.ok) waiter.resolve(m.result);
      else waiter.reject(new Error(`${name}: ${m.error}`));
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `exited (code ${code}, signal ${signal})`;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`worker ${name} ${this.exited}`));
      this.pending.clear();
    });
  }

  /** Calls handler `type` in the worker; rejects after `timeoutMs` (every load loop is bounded). */
  call<T>(type: string, payload: unknown = null, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`worker ${this.name} ${this.exited}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker ${this.name}: ${type} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, type, payload });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Ends the worker process (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** Starts a worker, calls one handler, stops it: for one-shot load runs. */
export async function runOnce<T>(
  name: string,
  type: string,
  payload: unknown,
  timeoutMs?: number,
): Promise<T> {
  const worker = new Worker(name);
  try {
    return await worker.call<T>(type, payload, timeoutMs);
  } finally {
    await worker.stop();
  }
}
