import { randomUUID } from 'node:crypto';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createContext, type ContextDeps } from '../../context';
import { ERROR_TABLE } from '../../errors';
import { appErrorFrom } from '../../schema/errors';
import { parseTopic, type TopicKind } from '../../events/topics';
import type { PhoenixMessage } from './frames';
import type { PhoenixConnection } from './connection';

interface PushRoute {
  document: DocumentNode;
  variables: (id: string, payload: Record<string, unknown>) => Record<string, unknown>;
}

const route = (source: string, variables: PushRoute['variables']): PushRoute => ({ document: parse(source), variables });

/**
 * Client pushes are the schema's mutations, run with the socket's identity: the channel is a
 * door, the rules are the resolvers' and services'. Payloads are passed as seed 003 shows them.
 */
const ROUTES: Partial<Record<TopicKind, Record<string, PushRoute>>> = {
  call: {
    signal: route('mutation($id: ID!, $s: SignalInput!) { sendSignal(callId: $id, signal: $s) }',
      (id, p) => ({ id, s: { type: p.type, sdp: p.sdp } })),
    ice_candidate: route('mutation($id: ID!, $c: IceCandidateInput!) { sendIceCandidate(callId: $id, candidate: $c) }',
      (id, p) => ({ id, c: { candidate: p.candidate, sdpMid: p.sdpMid ?? null, sdpMLineIndex: p.sdpMLineIndex ?? null } })),
    mute: route('mutation($id: ID!, $t: String!, $m: Boolean!) { setMute(callId: $id, type: $t, muted: $m) }',
      (id, p) => ({ id, t: p.type, m: p.muted })),
  },
  presence: {
    update_status: route('mutation($id: ID!, $s: String!) { updatePresenceStatus(departmentId: $id, status: $s) }',
      (id, p) => ({ id, s: p.status })),
  },
};

export interface PushAnswer {
  status: 'ok' | 'error';
  response: Record<string, unknown>;
}

export class PushRunner {
  constructor(private readonly schema: GraphQLSchema, private readonly deps: ContextDeps) {}

  async run(conn: PhoenixConnection, m: PhoenixMessage): Promise<PushAnswer> {
    const topic = parseTopic(m.topic);
    const push = topic && ROUTES[topic.kind]?.[m.event];
    if (!topic || !push) return { status: 'error', response: { reason: `unknown event ${m.event}` } };
    const contextValue = createContext(this.deps, {
      ip: '', principal: conn.principal, connection: { id: conn.id, closed: () => conn.isClosed() },
    }, randomUUID());
    const result = await execute({ schema: this.schema, document: push.document, variableValues: push.variables(topic.id, m.payload), contextValue });
    if (!result.errors?.length) return { status: 'ok', response: {} };
    const error = result.errors[0];
    const appError = appErrorFrom(error);
    // A bug, not a refusal: the channel crashes, as a Phoenix channel would.
    if (appError.code === 'INTERNAL_SERVER_ERROR') throw error.originalError ?? error;
    const response: Record<string, unknown> = { reason: appError.message, code: ERROR_TABLE[appError.code].graphql };
    if (appError.fields) response.errors = appError.fields;
    return { status: 'error', response };
  }
}
