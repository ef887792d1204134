import type { Category, HotspotReport, SummaryReport } from '@sigap/contract';

/**
 * Requests to the API of the server that served this page (same origin), with the key in the
 * Authorization header only: it never appears in a URL the server sees.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Tenant {
  id: string;
  name: string;
  timeZone: string;
  bbox: [number, number, number, number] | null;
}

export interface AreaCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id?: string;
    properties: { code: string; name: string | null; level: string; count?: number };
    geometry: { type: string; coordinates: unknown };
  }[];
}

export interface Period {
  from: string;
  /** Exclusive, as the API wants it. */
  to: string;
}

export function api(key: string) {
  const get = async (path: string, accept = 'application/json'): Promise<Response> => {
    const res = await fetch(path, {
      headers: { authorization: `Bearer ${key}`, accept },
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
    if (!res.ok) {
      let message = res.statusText;
      try {
        const body = (await res.json()) as { message?: string };
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // not JSON
      }
      throw new ApiError(res.status, message);
    }
    return res;
  };
  const json = async <T>(path: string): Promise<T> => (await get(path)).json() as Promise<T>;
  const range = (p: Period) => `from=${p.from}&to=${p.to}`;
  return {
    tenant: () => json<Tenant>('/v1/tenant'),
    areas: () => json<AreaCollection>('/v1/areas?level=kecamatan'),
    categories: async () =>
      (await json<{ items: Category[] }>('/v1/categories?includeInactive=true&limit=500')).items,
    summary: (p: Period, groupBy: 'day' | 'week' | 'month') =>
      json<SummaryReport>(`/v1/reports/summary?${range(p)}&groupBy=${groupBy}`),
    hotspots: (p: Period) =>
      json<HotspotReport>(`/v1/reports/hotspots?${range(p)}&level=kecamatan&cell=1000`),
    /** A CSV export as a file the browser saves (a plain link could not carry the key). */
    download: async (path: string, fallbackName: string): Promise<void> => {
      const res = await get(path, 'text/csv');
      const disposition = res.headers.get('content-disposition') ?? '';
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    csvPath: (kind: 'summary' | 'agencies' | 'hotspots', p: Period, section?: string) =>
      `/v1/reports/${kind}?${range(p)}&format=csv${section ? `&section=${section}` : ''}` +
      (kind === 'hotspots' ? '&level=kecamatan&cell=1000' : ''),
  };
}
export type Api = ReturnType<typeof api>;
