export type Role = 'admin' | 'policy-author' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'policy-author', 'operator', 'viewer'];

export type Operation =
  | 'policy.apply'
  | 'policy.activate'
  | 'policy.deactivate'
  | 'policy.retire'
  | 'handler.register'
  | 'handler.promote'
  | 'handler.rollback'
  | 'handler.retire'
  | 'command.register'
  | 'file.register'
  | 'host.register'
  | 'role.grant'
  | 'model.promote'
  | 'model.rollback'
  | 'model.retrain'
  | 'audit.read';

/** Who may do what. An admin may do everything; the table is the whole policy. */
const PERMISSIONS: Record<Role, readonly Operation[]> = {
  admin: [
    'policy.apply',
    'policy.activate',
    'policy.deactivate',
    'policy.retire',
    'handler.register',
    'handler.promote',
    'handler.rollback',
    'handler.retire',
    'command.register',
    'file.register',
    'host.register',
    'role.grant',
    'model.promote',
    'model.rollback',
    'model.retrain',
    'audit.read',
  ],
  'policy-author': ['policy.apply', 'policy.activate', 'policy.deactivate', 'policy.retire', 'audit.read'],
  // Operators run the fleet: they say which programs, files and hosts compositions may use, and which model serves.
  operator: [
    'handler.register',
    'handler.promote',
    'handler.rollback',
    'handler.retire',
    'command.register',
    'file.register',
    'host.register',
    'model.promote',
    'model.rollback',
    'model.retrain',
    'audit.read',
  ],
  viewer: ['audit.read'],
};

export function authorize(role: Role, operation: string): { allowed: boolean; reason: string } {
  const allowed = (PERMISSIONS[role] as readonly string[] | undefined)?.includes(operation) ?? false;
  return {
    allowed,
    reason: allowed
      ? `role ${role} may ${operation}`
      : `role ${role} may not ${operation}; roles that may: ${rolesFor(operation).join(', ') || 'none'}`,
  };
}

export function rolesFor(operation: string): Role[] {
  return ROLES.filter((r) => (PERMISSIONS[r] as readonly string[]).includes(operation));
}
