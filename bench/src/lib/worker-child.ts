/**
 * The worker side of worker-host.ts: answers `{ id, type, payload }` messages from the parent
 * with the handler's result. A worker whose parent goes away exits too (no orphaned load).
 */
export function serveWorker(handlers: Record<string, (payload: never) => unknown>): void {
  if (!process.send) throw new Error('a worker must be started by worker-host.ts');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const { id, type, payload } = raw as { id: number; type: string; payload: never };
    const handler = handlers[type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no handler ${type}`);
        return handler(payload);
      })
      .then(
        (result) => process.send!({ id, ok: true, result }),
        (error: unknown) =>
          process.send!({ id, ok: false, error: error instanceof Error ? error.stack : String(error) }),
      );
  });
}
