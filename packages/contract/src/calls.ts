import Type, { type Static, type TSchema } from 'typebox';
import { Page } from './common.js';
import { CallOutcome, Channel } from './enums.js';
import { CallLocation } from './location.js';

/*
 * Calls: every contact with the 112 line, real or not. The call-taking screen uses them so:
 *
 * 1. The call is answered → `POST /v1/calls` with the channel and the caller's number (as the
 *    switch or app gave it) and no outcome yet. The answer carries what the call taker must see
 *    before saying a word: the caller's history, the `repeatPrankster` flag and a soft `blocked`.
 * 2. A blocked number's call is logged all the same; if it sounds real the call taker overrides
 *    the block once (`blockOverride: true` at intake or `POST /v1/calls/:id/override-block`).
 * 3. The conversation ends → `PATCH /v1/calls/:id` with the outcome and end time, plus the
 *    incident it reported (`incidentId`; or `POST /v1/incidents` with `callId` links it), the
 *    incident it duplicates, or the LAPOR! reference of a forwarded complaint.
 *
 * A call known in full when it is logged (a radio log, a walk-in written up afterwards) is one
 * `POST` with everything.
 */

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {});
const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** A caller number as given: any text up to 40 characters; normalised to E.164 when it is a valid number. */
export const CallerNumberInput = Text(
  40,
  'the number as the switch, app or caller gave it: 0812-3456-7890, +62 812 3456 7890, 6281234567890...',
);

export const LaporReference = Text(80, 'the ticket number LAPOR! (SP4N) gave the forwarded complaint');

/** A soft block: the number's calls are still logged and can be answered. */
export const CallerBlock = Type.Object(
  {
    until: DateTime(),
    reason: Type.String({ description: 'e.g. "3 pranks in 90 days"' }),
  },
  { additionalProperties: false },
);
export type CallerBlock = Static<typeof CallerBlock>;

export const Call = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    channel: Channel,
    callerNumber: Nullable(Type.String(), 'as given; masked for roles that do not call back'),
    callerE164: Nullable(
      Type.String(),
      'normalised (+62...) when valid, else null; masked like callerNumber',
    ),
    callerValid: Type.Boolean({ description: 'the number is a valid phone number (libphonenumber)' }),
    startedAt: DateTime(),
    endedAt: Nullable(DateTime()),
    callTaker: Nullable(Type.String()),
    outcome: Nullable(CallOutcome, 'null while the call is not classified yet'),
    incidentId: Nullable(Type.String({ format: 'uuid' })),
    laporReference: Nullable(Type.String()),
    blockOverridden: Type.Boolean({
      description: 'the number was soft-blocked and the call taker chose to answer it as possibly real',
    }),
    notes: Nullable(Type.String()),
    createdAt: DateTime(),
    location: Type.Optional(
      Nullable(
        CallLocation,
        'where the caller is, when the telephony side or AML said so; inherited by its incident',
      ),
    ),
  },
  { additionalProperties: false },
);
export type Call = Static<typeof Call>;

export const RecentCall = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    startedAt: DateTime(),
    channel: Channel,
    outcome: Nullable(CallOutcome),
    incidentId: Nullable(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type RecentCall = Static<typeof RecentCall>;

/** What the tenant knows of a number, shown at intake. */
export const CallerHistory = Type.Object(
  {
    callerE164: Type.String({ description: 'the number the history is about' }),
    previousCalls: Type.Integer({
      description: 'calls from this number (at intake: the others, not this one)',
    }),
    pranks: Type.Integer({ description: 'calls from this number classified prank (this one included)' }),
    pranksInWindow: Type.Integer({
      description: 'pranks started within the last prankWindowDays (this one included)',
    }),
    prankWindowDays: Type.Integer({ description: "the tenant's setting" }),
    prankThreshold: Type.Integer({ description: "the tenant's setting: repeatPrankster from this many" }),
    lastCallAt: Nullable(DateTime(), 'the latest start of the other calls'),
    recentCalls: Type.Array(RecentCall, { maxItems: 5, description: 'the other calls, newest first' }),
  },
  { additionalProperties: false },
);
export type CallerHistory = Static<typeof CallerHistory>;

/**
 * `POST /v1/calls`. Only `channel` is needed when a call is answered; everything known at once
 * may be sent at once. Integrator keys log their own app's contacts: `channel: "app"`, and no
 * classification (outcome, incidentId, laporReference, callTaker, blockOverride).
 */
export const LogCallBody = Type.Object(
  {
    channel: Channel,
    callerNumber: Type.Optional(Nullable(CallerNumberInput, 'null or absent: withheld, walk-in, radio')),
    startedAt: Type.Optional(DateTime('when the call was answered; default now. At most 30 days back')),
    endedAt: Type.Optional(DateTime('when it ended; not before startedAt')),
    callTaker: Type.Optional(Text(120, 'who took the call; default the API key name')),
    outcome: Type.Optional(CallOutcome),
    incidentId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'the incident it reported (outcome incident) or duplicates (outcome duplicate, required)',
      }),
    ),
    laporReference: Type.Optional(LaporReference),
    blockOverride: Type.Optional(
      Type.Boolean({ description: 'answer it even if the number is soft-blocked (recorded only if it is)' }),
    ),
    notes: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type LogCallBody = Static<typeof LogCallBody>;

export const LogCallResponse = Type.Object(
  {
    call: Call,
    history: Nullable(CallerHistory, 'null without a valid number, and for integrator keys'),
    repeatPrankster: Nullable(
      Type.Boolean({ description: 'pranks within prankWindowDays reached prankThreshold' }),
      'null when history is null',
    ),
    blocked: Nullable(CallerBlock, 'the soft block in force when the call came in'),
    blockPlaced: Nullable(CallerBlock, 'the soft block this call (a prank) placed or extended'),
  },
  { additionalProperties: false },
);
export type LogCallResponse = Static<typeof LogCallResponse>;

/**
 * `PATCH /v1/calls/:id`: classify a call and close it, or correct it. Send only what changes;
 * `null` clears `endedAt`, `incidentId`, `laporReference` or `notes`. The result must hold
 * together: `duplicate` needs an incident, `non_emergency` a LAPOR! reference.
 */
export const UpdateCallBody = Type.Object(
  {
    outcome: Type.Optional(CallOutcome),
    endedAt: Type.Optional(Nullable(DateTime())),
    incidentId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
    laporReference: Type.Optional(Nullable(LaporReference)),
    callTaker: Type.Optional(Text(120)),
    notes: Type.Optional(Nullable(Text(2000))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCallBody = Static<typeof UpdateCallBody>;

export const UpdateCallResponse = Type.Object(
  {
    call: Call,
    blockPlaced: Nullable(CallerBlock, 'the soft block this change (to prank) placed or extended'),
  },
  { additionalProperties: false },
);
export type UpdateCallResponse = Static<typeof UpdateCallResponse>;

export const CallOverrideBody = Type.Object(
  { note: Type.Optional(Text(500, 'why the call taker answered it')) },
  { additionalProperties: false },
);
export type CallOverrideBody = Static<typeof CallOverrideBody>;

export const CallOverrideResponse = Type.Object(
  { call: Call, blocked: Nullable(CallerBlock, 'the block that was overridden (now, if still in force)') },
  { additionalProperties: false },
);
export type CallOverrideResponse = Static<typeof CallOverrideResponse>;

export const CallParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const CallerParams = Type.Object(
  {
    number: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'a phone number in any usual form; URL-encode the + as %2B',
    }),
  },
  { additionalProperties: false },
);

export const ListCallsQuery = Type.Object(
  {
    from: Type.Optional(DateTime('calls started at or after this')),
    to: Type.Optional(DateTime('calls started before this')),
    outcome: Type.Optional(Type.Array(CallOutcome, { maxItems: 7 })),
    pending: Type.Optional(
      Type.Boolean({ description: 'true: only calls not classified yet; false: only classified ones' }),
    ),
    channel: Type.Optional(Type.Array(Channel, { maxItems: 6 })),
    caller: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: 'calls from this number (any usual form); only for roles that see numbers',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListCallsQuery = Static<typeof ListCallsQuery>;

export const CallPage = Page(Call);
export type CallPage = Static<typeof CallPage>;

export const CallerHistoryResponse = Type.Object(
  {
    history: CallerHistory,
    repeatPrankster: Type.Boolean(),
    blocked: Nullable(CallerBlock, 'the soft block in force now'),
  },
  { additionalProperties: false },
);
export type CallerHistoryResponse = Static<typeof CallerHistoryResponse>;

export const UnblockCallerBody = Type.Object(
  { note: Type.Optional(Text(500, 'why the block is lifted')) },
  { additionalProperties: false },
);
export type UnblockCallerBody = Static<typeof UnblockCallerBody>;

export const UnblockCallerResponse = Type.Object(
  {
    callerE164: Type.String(),
    unblocked: Type.Boolean({ description: 'false when no block was in force (nothing changed)' }),
    previous: Nullable(CallerBlock, 'the block that was lifted'),
  },
  { additionalProperties: false },
);
export type UnblockCallerResponse = Static<typeof UnblockCallerResponse>;
