// axios-retry is found in whichever shape the module system hands it over; a broken install
// fails with the library's typed error when a client is built, not at import.
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../../src/errors/registry-error.js';
import { resolveCallable } from '../../../src/http/axios-instance.js';

describe('resolveCallable', () => {
  const fn = () => ({ requestInterceptorId: 0, responseInterceptorId: 0 });
  it.each([
    ['ESM (the function)', fn],
    ['CJS ({ default })', { default: fn }],
    ['CJS through a bundler ({ default: { default } })', { default: { default: fn } }],
  ])('finds it in %s', (_, mod) => {
    expect(resolveCallable(mod)).toBe(fn);
  });

  it.each([{}, { default: {} }, null])('refuses %o with a RegistryError', (mod) => {
    expect(() => resolveCallable(mod)).toThrow(RegistryError);
    expect(() => resolveCallable(mod)).toThrow(/The axios-retry module could not be loaded/);
  });
});
