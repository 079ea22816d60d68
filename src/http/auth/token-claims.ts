/**
 * The actions a bearer token's `access` claim grants on `repository` (Docker token spec:
 * `access: [{ type: 'repository', name, actions }]`), read without verifying the signature:
 * only to interpret the registry's own answer, never to decide what to send. `undefined` when
 * the token is not a JWT or carries no `access` claim.
 *
 * @example
 * ```ts
 * grantedActions(token, 'ns/app'); // ['push'] for a push-only robot
 * ```
 */
export function grantedActions(token: string, repository: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const access = (claims as { access?: unknown } | null)?.access;
  if (!Array.isArray(access)) return undefined;
  const actions = new Set<string>();
  for (const grant of access) {
    const { type, name, actions: granted } = (grant ?? {}) as Record<string, unknown>;
    if (type !== 'repository' || name !== repository || !Array.isArray(granted)) continue;
    for (const action of granted) if (typeof action === 'string') actions.add(action);
  }
  return [...actions];
}
