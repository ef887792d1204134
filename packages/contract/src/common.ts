import Type, { type Static } from 'typebox';

/**
 * One field problem in a `400` response. `path` is a JSON pointer into the request part
 * (`/body/location/lat`, `/query/limit`), `code` is machine-readable (the JSON Schema keyword
 * that failed, or a domain code), `message` is for people.
 */
export const FieldError = Type.Object(
  {
    path: Type.String({ maxLength: 512 }),
    code: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: 512 }),
  },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

/**
 * Every error response has this shape, whatever the status. `code` is one of the
 * `SIGAP_ERR_*` codes documented in the server README; `requestId` is echoed in the
 * `x-request-id` header and in the server's logs so support can find the request.
 */
export const ErrorResponse = Type.Object(
  {
    code: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: 2048 }),
    details: Type.Optional(Type.Array(FieldError, { maxItems: 100 })),
    allowed: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 })),
    requestId: Type.String({ maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Lists are cursor-paginated: pass `nextCursor` back as `cursor` until it is `null`. */
export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const HealthResponse = Type.Object(
  { status: Type.Literal('ok'), uptimeSeconds: Type.Number() },
  { additionalProperties: false },
);
export type HealthResponse = Static<typeof HealthResponse>;

export const ReadyResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    backend: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]),
    database: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    migrations: Type.Object({ applied: Type.Integer(), pending: Type.Integer() }),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ReadyResponse = Static<typeof ReadyResponse>;
