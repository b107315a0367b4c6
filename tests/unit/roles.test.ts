import { atLeast, requireCanGrant, requireRole, ROLES } from '../../src/auth/roles';

describe('roles', () => {
  it('are ordered attendant < supervisor < manager < owner', () => {
    for (const [i, role] of ROLES.entries()) {
      for (const [j, other] of ROLES.entries()) expect(atLeast(role, other)).toBe(i >= j);
    }
  });

  it('the gate throws a 403 below the minimum only', () => {
    expect(() => requireRole({ role: 'supervisor' }, 'supervisor')).not.toThrow();
    expect(() => requireRole({ role: 'attendant' }, 'supervisor')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('nobody grants above their own role; only an owner makes an owner', () => {
    expect(() => requireCanGrant({ role: 'manager' }, 'manager')).not.toThrow();
    expect(() => requireCanGrant({ role: 'manager' }, 'owner')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => requireCanGrant({ role: 'owner' }, 'owner')).not.toThrow();
  });
});
