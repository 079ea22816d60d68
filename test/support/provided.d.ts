import type { ProvidedRegistries } from './types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The three registries started by test/support/global-setup.ts. */
    registries: ProvidedRegistries;
  }
}
