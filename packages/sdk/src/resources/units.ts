/** Units in the field: where they are and whether they can go. */
import type { PagePromise } from '../internal/pagination.js';
import type { Query, RequestOptions, Transport } from '../internal/transport.js';
import type { ListUnitsQuery, Unit, UnitPositionBody, UnitPositionResult, UnitStatusBody } from '../types.js';

const path = (id: string) => `/v1/units/${encodeURIComponent(id)}`;

export class Units {
  constructor(private readonly transport: Transport) {}

  /**
   * @example
   * for await (const unit of sigap.units.list({ status: ['available'] })) console.log(unit.code);
   */
  list(query: ListUnitsQuery = {}, options?: RequestOptions): PagePromise<Unit> {
    return this.transport.list<Unit>('/v1/units', query as Query, options);
  }

  /**
   * @example
   * const unit = await sigap.units.get(unitId);
   */
  get(id: string, options?: RequestOptions): Promise<Unit> {
    return this.transport.request({ ...options, method: 'GET', path: path(id) });
  }

  /**
   * A position report. One older than the stored position is ignored (`applied: false`),
   * so reports arriving out of order never move a unit backwards.
   *
   * @example
   * await sigap.units.updatePosition(unitId, { lon: 112.72, lat: -7.45, accuracyM: 8, at: fix.time });
   */
  updatePosition(id: string, body: UnitPositionBody, options?: RequestOptions): Promise<UnitPositionResult> {
    return this.transport.request({ ...options, method: 'POST', path: `${path(id)}/position`, body });
  }

  /**
   * @example
   * await sigap.units.updateStatus(unitId, { status: 'busy', expectedFreeAt: '2026-11-23T10:30:00Z' });
   */
  updateStatus(id: string, body: UnitStatusBody, options?: RequestOptions): Promise<Unit> {
    return this.transport.request({ ...options, method: 'POST', path: `${path(id)}/status`, body });
  }
}
