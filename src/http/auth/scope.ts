/**
 * A token scope for one repository, e.g. `repository:ns/app:pull,push`.
 *
 * @example
 * ```ts
 * repositoryScope('ns/app', ['pull', 'push']); // 'repository:ns/app:pull,push'
 * ```
 */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${[...new Set(actions)].join(',')}`;
}

/** `repository:ns/app:pull,push` → resource `repository:ns/app`, actions `{pull, push}`. */
export function parseScope(scope: string): { resource: string; actions: Set<string> } {
  const lastColon = scope.lastIndexOf(':');
  if (lastColon <= 0) return { resource: scope, actions: new Set() };
  const actions = scope
    .slice(lastColon + 1)
    .split(',')
    .filter(Boolean);
  return {
    resource: scope.slice(0, lastColon),
    actions: new Set(actions.includes('*') ? ['*'] : actions),
  };
}

/** True when the scopes `granted` cover every action of every scope in `wanted`. */
export function scopesCover(granted: readonly string[], wanted: readonly string[]): boolean {
  const byResource = new Map<string, Set<string>>();
  for (const scope of granted) {
    const { resource, actions } = parseScope(scope);
    const set = byResource.get(resource) ?? new Set<string>();
    for (const a of actions) set.add(a);
    byResource.set(resource, set);
  }
  return wanted.every((scope) => {
    const { resource, actions } = parseScope(scope);
    const have = byResource.get(resource);
    if (!have) return false;
    if (have.has('*')) return true;
    return [...actions].every((a) => have.has(a));
  });
}
