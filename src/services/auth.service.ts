import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompanySettings, DepartmentMember, RefreshFamily, Tenant, User } from '../entities';
import { TENANT_FILTER } from '../entities/tenant-scoped';
import { AppError, invalid, unauthenticated } from '../errors';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { TokenIssuer } from '../auth/tokens';
import type { Scope } from '../auth/actor';
import { isUniqueViolation, normalizeEmail } from './guards';
import { userView, type UserView } from './views';
import { LoginInput, RefreshInput, SignupInput } from '../schema/auth.input';
import { validated } from './validate';
import { recordAudit } from './audit';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: UserView;
}

const invalidCredentials = () => new AppError('UNAUTHENTICATED', 'Invalid email, password or tenant');

/** Signup, login, refresh with rotation and reuse detection, logout. */
export class AuthService {
  constructor(private readonly tokens: TokenIssuer) {}

  /** Creates a tenant, its company settings and its owner, and logs the owner in. */
  async signup(em: EntityManager, input: { companyName: string; tenant: string; name: string; email: string; password: string }, ip?: string) {
    await validated(SignupInput, input);
    const slug = input.tenant.trim();
    const passwordHash = await hashPassword(input.password);
    try {
      return await em.transactional(async (tx) => {
        if (await tx.count(Tenant, { slug })) throw invalid({ tenant: ['has already been taken'] });
        const tenant = tx.create(Tenant, { slug, name: input.companyName.trim() });
        // Foreign keys are plain columns, so the ORM cannot order these inserts itself.
        await tx.flush();
        tx.create(CompanySettings, { tenantId: tenant.id });
        const user = tx.create(User, {
          tenantId: tenant.id, name: input.name.trim(), email: normalizeEmail(input.email), passwordHash, role: 'owner',
        });
        recordAudit(tx, tenant.id, { id: user.id, name: user.name, role: user.role }, ip, {
          action: 'tenant.created', targetType: 'tenant', targetId: tenant.id, changes: { name: [null, tenant.name], slug: [null, tenant.slug] },
        });
        await tx.flush();
        const session = await this.issue(tx, tenant, user);
        return { ...session, tenant: { slug: tenant.slug, name: tenant.name } };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw invalid({ tenant: ['has already been taken'] });
      throw error;
    }
  }

  /** A failed attempt on a known tenant is audited, naming the user when the email exists. */
  async login(em: EntityManager, input: { email: string; password: string; tenant: string }, ip?: string): Promise<Session> {
    await validated(LoginInput, input);
    const tenant = await em.findOne(Tenant, { slug: input.tenant.trim() });
    const user = tenant
      ? await em.findOne(User, { tenantId: tenant.id, email: normalizeEmail(input.email) }, { filters: { [TENANT_FILTER]: false }, populate: ['passwordHash'] })
      : null;
    const ok = await verifyPassword(user?.passwordHash, input.password);
    if (!ok || !user || !tenant || user.status !== 'active') {
      if (tenant) {
        recordAudit(em, tenant.id, null, ip, { action: 'auth.login_failed', targetType: user ? 'user' : null, targetId: user?.id ?? null });
        await em.flush();
      }
      throw invalidCredentials();
    }
    return this.issue(em, tenant, user);
  }

  /**
   * Exchanges the family's current refresh token for a new pair. The compare-and-set on
   * current_jti makes two concurrent uses of one token yield exactly one success; any other
   * use of a known family's old token is a replay, and revokes the family.
   */
  async refresh(em: EntityManager, refreshToken: string, ip?: string): Promise<Session> {
    await validated(RefreshInput, { refreshToken });
    const claims = await this.tokens.verifyRefresh(refreshToken);
    const nextJti = randomUUID();
    const rotated = await em.execute(
      `update refresh_token_families set current_jti = ?, updated_at = now()
        where id = ? and tenant_id = ? and current_jti = ? and revoked_at is null and expires_at > now()`,
      [nextJti, claims.familyId, claims.tenantId, claims.jti],
      'run',
    ) as unknown as { affectedRows: number };
    if (rotated.affectedRows !== 1) {
      // A genuine token whose turn has passed: a replay (or a race lost). The family goes, audited.
      await em.transactional(async (tx) => {
        await this.revokeFamily(tx, claims.familyId);
        recordAudit(tx, claims.tenantId, null, ip, { action: 'auth.refresh_reuse', targetType: 'user', targetId: claims.userId });
      });
      throw unauthenticated();
    }
    const tenant = await em.findOne(Tenant, { id: claims.tenantId });
    const user = await em.findOne(User, { id: claims.userId, tenantId: claims.tenantId }, { filters: { [TENANT_FILTER]: false } });
    if (!tenant || !user || user.status !== 'active') {
      await this.revokeFamily(em, claims.familyId);
      throw unauthenticated();
    }
    return this.sessionFor(em, tenant, user, claims.familyId, nextJti);
  }

  /** Revokes the family of the presented refresh token; a token that does not verify is a 401. */
  async logout(em: EntityManager, refreshToken: string): Promise<void> {
    await validated(RefreshInput, { refreshToken });
    const claims = await this.tokens.verifyRefresh(refreshToken);
    await this.revokeFamily(em, claims.familyId);
  }

  /** Revokes every refresh family of a user (deactivation, password change). */
  async revokeUser(scope: Scope, userId: string): Promise<void> {
    await scope.em.nativeUpdate(RefreshFamily, { userId, revokedAt: null }, { revokedAt: new Date() });
  }

  private async revokeFamily(em: EntityManager, familyId: string) {
    await em.execute(
      'update refresh_token_families set revoked_at = now() where id = ? and revoked_at is null', [familyId], 'run',
    );
  }

  private async issue(em: EntityManager, tenant: Tenant, user: User): Promise<Session> {
    const familyId = randomUUID();
    const jti = randomUUID();
    em.create(RefreshFamily, {
      id: familyId, tenantId: tenant.id, userId: user.id, currentJti: jti,
      expiresAt: new Date(Date.now() + this.tokens.refreshTtlSeconds * 1000),
    });
    await em.flush();
    return this.sessionFor(em, tenant, user, familyId, jti);
  }

  private async sessionFor(em: EntityManager, tenant: Tenant, user: User, familyId: string, jti: string): Promise<Session> {
    // Same EntityManager: during signup this runs inside the transaction that created the user.
    const memberships = await em.find(DepartmentMember, { tenantId: tenant.id, userId: user.id }, { filters: { [TENANT_FILTER]: false } });
    const [accessToken, refreshToken] = await Promise.all([
      this.tokens.access({ userId: user.id, tenantId: tenant.id, tenantSlug: tenant.slug, role: user.role }),
      this.tokens.refresh({ userId: user.id, tenantId: tenant.id, familyId, jti }),
    ]);
    return { accessToken, refreshToken, user: userView(user, memberships.map((m) => m.departmentId)) };
  }
}
