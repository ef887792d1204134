/** Calls: every contact with the 112 line, logged when answered and classified when it ends. */
import type { PagePromise } from '../internal/pagination.js';
import type { Query, RequestOptions, Transport } from '../internal/transport.js';
import type {
  Call,
  ListCallsQuery,
  LogCallBody,
  LogCallResponse,
  UpdateCallBody,
  UpdateCallResponse,
} from '../types.js';

const path = (id: string) => `/v1/calls/${encodeURIComponent(id)}`;

export class Calls {
  constructor(private readonly transport: Transport) {}

  /**
   * Logs a call as soon as it is answered; the answer shows the caller's history, the
   * `repeatPrankster` flag and any soft `blocked` before the call taker says a word.
   *
   * @example
   * const { call, history, blocked } = await sigap.calls.log({ channel: 'phone', callerNumber: '0812-3456-7890' });
   */
  log(body: LogCallBody, options?: RequestOptions): Promise<LogCallResponse> {
    return this.transport.request({ ...options, method: 'POST', path: '/v1/calls', body });
  }

  /**
   * Classifies and closes a call, or corrects it; send only what changes.
   *
   * @example
   * await sigap.calls.update(call.id, { outcome: 'incident', incidentId, endedAt: new Date().toISOString() });
   */
  update(id: string, body: UpdateCallBody, options?: RequestOptions): Promise<UpdateCallResponse> {
    return this.transport.request({ ...options, method: 'PATCH', path: path(id), body });
  }

  /**
   * @example
   * const call = await sigap.calls.get(id);
   */
  get(id: string, options?: RequestOptions): Promise<Call> {
    return this.transport.request({ ...options, method: 'GET', path: path(id) });
  }

  /**
   * Newest first.
   *
   * @example
   * for await (const call of sigap.calls.list({ pending: true })) console.log(call.id);
   */
  list(query: ListCallsQuery = {}, options?: RequestOptions): PagePromise<Call> {
    return this.transport.list<Call>('/v1/calls', query as Query, options);
  }
}
