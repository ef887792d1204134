import { describe, expect, it, vi } from 'vitest';
import {
  createClient,
  memoryStorage,
  ServerError,
  SigapClient,
  SubmissionQueue,
  Transport,
} from '../src/index.js';

describe('createClient', () => {
  it('wires one transport (key, fetch, timeout, retries) into the queue', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const fetch = vi.fn(async (url: string, init: { headers: Record<string, string> }) => {
      calls.push({ url, headers: init.headers });
      return new Response(JSON.stringify({ code: 'SIGAP_ERR_INTERNAL', message: 'x', requestId: 'r' }), {
        status: 500,
      });
    });
    const storage = memoryStorage();
    const client = createClient({
      baseUrl: 'http://127.0.0.1:3112/',
      apiKey: 'sk_9',
      fetch,
      storage,
      timeoutMs: 1_234,
      retries: 0,
      queue: { autoFlush: false },
    });
    expect(client).toBeInstanceOf(SigapClient);
    expect(client.transport).toBeInstanceOf(Transport);
    expect(client.queue).toBeInstanceOf(SubmissionQueue);
    expect(client.transport).toMatchObject({
      baseUrl: 'http://127.0.0.1:3112',
      timeoutMs: 1_234,
      maxRetries: 0,
    });

    await expect(client.transport.request({ method: 'GET', path: '/v1/units' })).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(calls).toHaveLength(1); // retries: 0

    await client.queue.enqueue({ method: 'POST', path: '/v1/incidents', body: {} });
    expect(await client.queue.flush()).toEqual({ sent: 0, failed: 0, remaining: 1 });
    expect(calls[1]).toMatchObject({ url: 'http://127.0.0.1:3112/v1/incidents' });
    expect(calls[1]?.headers.authorization).toBe('Bearer sk_9');
    expect(JSON.parse((await storage.get('queue.v1')) ?? '[]')).toHaveLength(1);
    await client.close();
  });
});
