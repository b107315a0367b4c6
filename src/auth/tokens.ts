import { randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthenticated } from '../errors';
import { isRole, type Role } from './roles';

const ALG = 'HS256';
const ISSUER = 'voki';

/**
 * Each kind of token has its own audience and `typ` claim, and verification demands both, so
 * a refresh or customer token can never be accepted where an access token is expected.
 */
export type TokenKind = 'access' | 'refresh' | 'customer';
const audience = (kind: TokenKind) => `voki:${kind}`;

/** `expiresAt` is the token's `exp`, in epoch milliseconds (sockets close when it passes). */
export interface AccessClaims { kind: 'access'; userId: string; tenantId: string; tenantSlug: string; role: Role; expiresAt: number }
export interface RefreshClaims { kind: 'refresh'; userId: string; tenantId: string; familyId: string; jti: string }
export interface CustomerClaims { kind: 'customer'; tenantId: string; callId: string; customerId: string; expiresAt: number }

export class TokenIssuer {
  /**
   * Imported once: jose 6 works through WebCrypto and re-imports a raw secret (or converts a
   * KeyObject) on every sign and verify, which costs more than the HMAC itself.
   */
  private readonly secret: Promise<webcrypto.CryptoKey>;

  constructor(
    secret: Uint8Array,
    private readonly accessTtl: number,
    private readonly refreshTtl: number,
  ) {
    this.secret = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  get refreshTtlSeconds() {
    return this.refreshTtl;
  }

  private async sign(kind: TokenKind, subject: string, claims: Record<string, unknown>, ttl: number, jti: string = randomUUID()) {
    const key = await this.secret;
    return new SignJWT({ ...claims, typ: kind })
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(audience(kind))
      .setSubject(subject)
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
      .sign(key);
  }

  access(c: Omit<AccessClaims, 'kind' | 'expiresAt'>) {
    return this.sign('access', c.userId, { tid: c.tenantId, ten: c.tenantSlug, role: c.role }, this.accessTtl);
  }

  refresh(c: Omit<RefreshClaims, 'kind'>) {
    return this.sign('refresh', c.userId, { tid: c.tenantId, fam: c.familyId }, this.refreshTtl, c.jti);
  }

  customer(c: Omit<CustomerClaims, 'kind' | 'expiresAt'>, ttl: number) {
    return this.sign('customer', c.customerId, { tid: c.tenantId, call: c.callId }, ttl);
  }

  private async verify(kind: TokenKind, token: string) {
    try {
      const { payload } = await jwtVerify(token, await this.secret, {
        algorithms: [ALG],
        issuer: ISSUER,
        audience: audience(kind),
        requiredClaims: ['sub', 'exp', 'jti', 'tid'],
      });
      if (payload.typ !== kind) throw unauthenticated();
      return payload as Record<string, unknown> & { sub: string; jti: string; tid: string; exp: number };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) throw unauthenticated();
      throw error;
    }
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const p = await this.verify('access', token);
    if (typeof p.ten !== 'string' || !isRole(p.role)) throw unauthenticated();
    return { kind: 'access', userId: p.sub, tenantId: p.tid, tenantSlug: p.ten, role: p.role, expiresAt: p.exp * 1000 };
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const p = await this.verify('refresh', token);
    if (typeof p.fam !== 'string') throw unauthenticated();
    return { kind: 'refresh', userId: p.sub, tenantId: p.tid, familyId: p.fam, jti: p.jti };
  }

  async verifyCustomer(token: string): Promise<CustomerClaims> {
    const p = await this.verify('customer', token);
    if (typeof p.call !== 'string') throw unauthenticated();
    return { kind: 'customer', tenantId: p.tid, callId: p.call, customerId: p.sub, expiresAt: p.exp * 1000 };
  }
}
