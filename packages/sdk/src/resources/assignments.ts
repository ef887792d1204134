/** Assignments: an agency's progress on an incident it was sent to. */
import type { RequestOptions, Transport } from '../internal/transport.js';
import type { Incident, TransitionAssignmentBody } from '../types.js';

export class Assignments {
  constructor(private readonly transport: Transport) {}

  /**
   * dispatched → acknowledged → en_route → on_scene → resolved, or declined (with a reason).
   * Returns the whole incident; an illegal step throws a `ConflictError` with `allowed`.
   *
   * @example
   * await sigap.assignments.transition(assignmentId, { to: 'en_route' });
   * await sigap.assignments.transition(assignmentId, { to: 'declined', reason: 'unit out of service' });
   */
  transition(id: string, body: TransitionAssignmentBody, options?: RequestOptions): Promise<Incident> {
    return this.transport.request({
      ...options,
      method: 'POST',
      path: `/v1/assignments/${encodeURIComponent(id)}/transitions`,
      body,
    });
  }
}
