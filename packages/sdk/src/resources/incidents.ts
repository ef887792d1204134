/**
 * Incidents: report (`submit`, which survives being offline), read, move through the
 * lifecycle, dispatch, and follow live (`track`).
 */
import type { SigapClient } from '../client.js';
import { NetworkError, ServerError, type SigapError } from '../errors.js';
import { Emitter } from '../internal/emitter.js';
import type { PagePromise } from '../internal/pagination.js';
import { uuidv4 } from '../internal/retry.js';
import { type IncidentTracker, type TrackOptions, type TrackUpdate, track } from '../internal/track.js';
import type { Query, RequestOptions } from '../internal/transport.js';
import type { QueueEntry } from '../queue.js';
import type {
  CreateIncidentBody,
  CreateIncidentResponse,
  DispatchBody,
  Event,
  Incident,
  IncidentEventsQuery,
  ListIncidentsQuery,
  MergeIncidentBody,
  Recommendation,
  TransitionIncidentBody,
  UpdateIncidentLocationBody,
  UpdateIncidentLocationResponse,
} from '../types.js';

export type { IncidentTracker, TrackOptions, TrackUpdate };

export interface SubmitOptions extends RequestOptions {
  /**
   * Keep the report in the offline queue when the network is down, instead of throwing.
   * Default: the client's `offline` option (on when the client was given a `storage`).
   */
  queue?: boolean;
}

/** The server created the incident (or returned the one an earlier attempt with this key created). */
export interface SubmittedIncident extends CreateIncidentResponse {
  queued: false;
  idempotencyKey: string;
  /** `true` when the server answered with the stored result of an earlier attempt with the same key. */
  replayed: boolean;
  requestId: string | undefined;
}

/** The network was down: the report waits in the offline queue and will be sent with the same key. */
export interface QueuedSubmission {
  queued: true;
  /** Store it with the draft: the same key sent again can never create a second incident. */
  idempotencyKey: string;
  entry: QueueEntry;
  /** Why it was not sent now (a `NetworkError`, or a 502/503/504). */
  error: SigapError;
  /**
   * Resolves when the queue has sent it (in this run of the app), rejects with the server's
   * error if the server refuses it for good. Events: `client.incidents.on('sent' | 'failed')`.
   */
  sent(): Promise<CreateIncidentResponse>;
}

export type SubmitResult = SubmittedIncident | QueuedSubmission;

/** Events of queued submissions: also those an earlier run of the app left in the queue. */
export interface SubmissionEvents {
  queued: { idempotencyKey: string; body: CreateIncidentBody };
  sent: { idempotencyKey: string; response: CreateIncidentResponse };
  failed: { idempotencyKey: string; error: SigapError };
}

const PATH = '/v1/incidents';
const id$ = (id: string) => `${PATH}/${encodeURIComponent(id)}`;
const isSubmission = (e: QueueEntry) => e.request.method === 'POST' && e.request.path === PATH;

/**
 * No answer, or a gateway/maintenance answer that says the request was not processed: worth
 * keeping for later. A 500 is not (it would fail the same way again), nor a 4xx.
 */
const offline = (err: unknown) =>
  err instanceof NetworkError || (err instanceof ServerError && [502, 503, 504].includes(err.status));

export class Incidents extends Emitter<SubmissionEvents> {
  constructor(private readonly client: SigapClient) {
    super();
    client.queue.on('sent', ({ entry, data }) => {
      if (isSubmission(entry))
        this.emit('sent', { idempotencyKey: entry.idempotencyKey, response: data as CreateIncidentResponse });
    });
    client.queue.on('failed', ({ entry, error }) => {
      if (isSubmission(entry)) this.emit('failed', { idempotencyKey: entry.idempotencyKey, error });
    });
  }

  /**
   * Reports an incident. One idempotency key is made per call (or taken from `options`) and
   * used for every retry AND for the offline queue, so however often the report travels, the
   * server creates one incident. When the network is down and the client has a queue
   * (`storage`), the report is queued and the result says so (`queued: true`).
   *
   * @example
   * const result = await sigap.incidents.submit({
   *   category: 'flood',
   *   description: 'Air masuk rumah setinggi lutut',
   *   location: { point: { lon: 112.7205, lat: -7.4478 }, accuracyM: 12, source: 'device_gps' },
   *   reporter: { phone: '081234567890' },
   * });
   * if (result.queued) showBanner(`Tersimpan, dikirim saat online (${result.idempotencyKey})`);
   * else showNumber(result.incident.number);
   */
  async submit(body: CreateIncidentBody, options: SubmitOptions = {}): Promise<SubmitResult> {
    const { queue = this.client.offline, ...rest } = options;
    const idempotencyKey = rest.idempotencyKey ?? uuidv4();
    try {
      const res = await this.client.transport.requestWithResponse<CreateIncidentResponse>({
        // With a queue, the usual retries then the queue (which keeps trying): a citizen sees
        // "saved, sent when online" at once rather than after the 30 s retry window.
        ...(queue && { maxRetries: this.client.transport.maxRetries }),
        ...rest,
        idempotencyKey,
        method: 'POST',
        path: PATH,
        body,
      });
      return {
        ...res.data,
        queued: false,
        idempotencyKey,
        replayed: res.headers.get('idempotent-replayed') === 'true',
        requestId: res.requestId,
      };
    } catch (err) {
      if (!queue || !offline(err)) throw err;
      return this.enqueue(body, idempotencyKey, err as SigapError);
    }
  }

  private async enqueue(body: CreateIncidentBody, key: string, error: SigapError): Promise<QueuedSubmission> {
    // Listen before enqueueing: the queue flushes at once and may send it before we return.
    const settled = new Promise<CreateIncidentResponse>((resolve, reject) => {
      const offSent = this.on('sent', (e) => e.idempotencyKey === key && done(() => resolve(e.response)));
      const offFailed = this.on('failed', (e) => e.idempotencyKey === key && done(() => reject(e.error)));
      const done = (settle: () => void) => {
        offSent();
        offFailed();
        settle();
      };
    });
    settled.catch(() => undefined); // nobody may ask: that must not be an unhandled rejection
    const entry = await this.client.queue.enqueue(
      { method: 'POST', path: PATH, body },
      { idempotencyKey: key },
    );
    this.emit('queued', { idempotencyKey: key, body });
    return { queued: true, idempotencyKey: key, entry, error, sent: () => settled };
  }

  /**
   * @example
   * const incident = await sigap.incidents.get('6f1c...');
   */
  get(id: string, options?: RequestOptions): Promise<Incident> {
    return this.client.transport.request({ ...options, method: 'GET', path: id$(id) });
  }

  /**
   * Newest first. Await for one page, or `for await` over every incident.
   *
   * @example
   * for await (const incident of sigap.incidents.list({ open: true, priority: ['P1'] })) {
   *   console.log(incident.number, incident.status);
   * }
   */
  list(query: ListIncidentsQuery = {}, options?: RequestOptions): PagePromise<Incident> {
    return this.client.transport.list<Incident>(PATH, query as Query, options);
  }

  /**
   * Verify, cancel, reject, close or reopen. An illegal change throws a `ConflictError`
   * whose `allowed` lists what is possible from the current status.
   *
   * @example
   * await sigap.incidents.transition(id, { to: 'verified', priority: 'P1' });
   */
  transition(id: string, body: TransitionIncidentBody, options?: RequestOptions): Promise<Incident> {
    return this.post(`${id$(id)}/transitions`, body, options);
  }

  /**
   * Correct where it is: a point (map pick, GPS, AML, a chosen geocoding candidate) and/or an
   * address. Answers with the duplicates and unit recommendation for the new point.
   *
   * @example
   * await sigap.incidents.locate(id, { point: { lon: 112.72, lat: -7.45 }, reason: 'pin moved' });
   */
  locate(
    id: string,
    body: UpdateIncidentLocationBody,
    options?: RequestOptions,
  ): Promise<UpdateIncidentLocationResponse> {
    return this.post<UpdateIncidentLocationResponse>(`${id$(id)}/location`, body, options);
  }

  /**
   * Sends agencies (and units), or what the recommendation proposes.
   *
   * @example
   * await sigap.incidents.dispatch(id, { acceptRecommendation: true });
   * await sigap.incidents.dispatch(id, { assignments: [{ agencyId, unitId }] });
   */
  dispatch(id: string, body: DispatchBody, options?: RequestOptions): Promise<Incident> {
    return this.post(`${id$(id)}/dispatch`, body, options);
  }

  /**
   * The incident's audit trail, oldest first.
   *
   * @example
   * for await (const event of sigap.incidents.events(id)) console.log(event.seq, event.type);
   */
  events(id: string, query: IncidentEventsQuery = {}, options?: RequestOptions): PagePromise<Event> {
    return this.client.transport.list<Event>(`${id$(id)}/events`, query as Query, options);
  }

  /**
   * The nearest units that can go, per agency type the incident needs.
   *
   * @example
   * const { needs } = await sigap.incidents.recommendations(id, { limit: 3 });
   */
  recommendations(
    id: string,
    query: { limit?: number } = {},
    options?: RequestOptions,
  ): Promise<Recommendation> {
    return this.client.transport.request({
      ...options,
      method: 'GET',
      path: `${id$(id)}/recommendations`,
      query,
    });
  }

  /**
   * Marks an incident as a duplicate of another.
   *
   * @example
   * await sigap.incidents.merge(duplicateId, { into: originalId, note: 'same fire' });
   */
  merge(id: string, body: MergeIncidentBody, options?: RequestOptions): Promise<Incident> {
    return this.post(`${id$(id)}/merge`, body, options);
  }

  /**
   * Follows one incident: calls `onUpdate(incident, null)` with its current state, then
   * `onUpdate(incident, event)` after each change, over the live stream (or polling). Rejects
   * if the incident cannot be read (e.g. `NotFoundError`).
   *
   * @example
   * const tracker = await sigap.incidents.track(id, (incident, event) => {
   *   render(incident.status, event?.type);
   *   if (incident.status === 'closed') tracker.close();
   * });
   */
  track(id: string, onUpdate: TrackUpdate, options?: TrackOptions): Promise<IncidentTracker> {
    return track(this.client, id, onUpdate, options);
  }

  private post<T = Incident>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.client.transport.request({ ...options, method: 'POST', path, body });
  }
}
