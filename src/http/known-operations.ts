import type { CompiledOperation } from '../schema/compiled-operation';

const MAX_DOCUMENTS = 1000;

/**
 * Queries and mutations that Apollo has already parsed, validated (the depth, cost and alias
 * limits included) and executed once, by their exact text and operation name, with their
 * compiled plan. A dashboard sends the same few documents over and over: these go straight to
 * their plan (fast-graphql.ts). The set stops growing at MAX_DOCUMENTS, so a client sending
 * endless distinct documents only keeps them on Apollo's path.
 */
export class KnownOperations {
  private readonly plans = new Map<string, CompiledOperation>();

  remember(query: string, operationName: string | null | undefined, plan: CompiledOperation) {
    if (plan.operation.operation === 'subscription' || this.plans.size >= MAX_DOCUMENTS) return;
    this.plans.set(`${operationName ?? ''}\n${query}`, plan);
  }

  find(query: string, operationName: string | null | undefined): CompiledOperation | undefined {
    return this.plans.get(`${operationName ?? ''}\n${query}`);
  }
}
