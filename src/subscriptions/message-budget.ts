/**
 * A socket's allowance of messages: `perSecond` on average, bursts up to twice that. Kept as two
 * numbers per socket (no timer), refilled lazily when the next message arrives.
 */
export class MessageBudget {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond * 2;
  }

  /** Spends one message; false when the socket is over its budget. */
  spend(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
