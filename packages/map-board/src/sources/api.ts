/**
 * What the board reads from the API besides the live stream, all through the SDK's transport
 * (same auth, retries and typed errors): the tenant's profile, categories, area outlines,
 * today's call figures and the incidents resolved earlier today.
 */
import type { Incident, SigapClient } from '@sigap/sdk';
import type { FeatureCollection, Geometry } from 'geojson';
import type { CallFigures } from '../state/figures.js';
import type { Targets } from '../state/model.js';

export interface TenantProfile {
  id: string;
  name: string;
  timeZone: string;
  bbox: number[] | null;
  targets: Targets;
}

export interface CategoryLabel {
  code: string;
  labelId: string;
  labelEn: string;
}

export type AreaCollection = FeatureCollection<
  Geometry | null,
  { code?: unknown; name?: unknown; level?: unknown }
>;

interface SummaryCalls {
  calls: { total: number; prankShare: number | null } | null;
}

/**
 * @example
 * const api = new BoardApi(createClient({ baseUrl: location.origin, apiKey }));
 * const tenant = await api.tenant();
 */
export class BoardApi {
  constructor(private readonly client: SigapClient) {}

  tenant(): Promise<TenantProfile> {
    return this.client.transport.request<TenantProfile>({ method: 'GET', path: '/v1/tenant' });
  }

  async categories(): Promise<CategoryLabel[]> {
    const out: CategoryLabel[] = [];
    for await (const c of this.client.transport.list<CategoryLabel>('/v1/categories', { limit: 500 }))
      out.push(c);
    return out;
  }

  areas(level: 'kabupaten' | 'kecamatan'): Promise<AreaCollection> {
    return this.client.transport.request<AreaCollection>({
      method: 'GET',
      path: '/v1/areas',
      query: { level },
    });
  }

  /**
   * Today's call figures from `GET /v1/reports/summary`; `null` when this key may not read
   * reports or the server has no such route (the header then shows "—").
   */
  async callFigures(range: { from: string; to: string }): Promise<CallFigures | null> {
    try {
      const report = await this.client.transport.request<SummaryCalls>({
        method: 'GET',
        path: '/v1/reports/summary',
        query: { from: range.from, to: range.to },
        maxRetries: 1,
      });
      if (!report.calls) return null;
      return { date: range.from, total: report.calls.total, prankShare: report.calls.prankShare };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 403 || status === 404) return null;
      throw error;
    }
  }

  /**
   * Incidents resolved (and maybe closed since) among those created from `fromIso` on: the
   * board keeps the ones resolved today. At most `limit`, newest pages first.
   */
  async resolvedSince(fromIso: string, limit = 2000): Promise<Incident[]> {
    const out: Incident[] = [];
    for await (const incident of this.client.incidents.list({
      status: ['resolved', 'closed'],
      from: fromIso,
      limit: 200,
    })) {
      out.push(incident);
      if (out.length >= limit) break;
    }
    return out;
  }
}

/**
 * Runs `load` until it succeeds, waiting longer after each failure (1 s doubling to 30 s):
 * a wall-board started while the server is down must come up by itself when it is back.
 *
 * @example
 * const tenant = await untilLoaded(() => api.tenant(), (e) => banner.show(e));
 */
export async function untilLoaded<T>(
  load: () => Promise<T>,
  onError: (error: unknown, attempt: number) => void = () => undefined,
  options: { baseMs?: number; capMs?: number; giveUp?: (error: unknown) => boolean } = {},
): Promise<T> {
  const base = options.baseMs ?? 1_000;
  const cap = options.capMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      onError(error, attempt);
      if (options.giveUp?.(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(cap, base * 2 ** (attempt - 1))));
    }
  }
}
