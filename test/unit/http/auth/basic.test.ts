import { describe, expect, it } from 'vitest';
import { basicAuthorization, decodeBasic, encodeBasic } from '../../../../src/http/auth/basic.js';

describe('Basic credentials', () => {
  it.each([
    [{ username: 'u', password: 'p' }, 'Basic dTpw'],
    [{ username: 'robot$ns+ci', password: 'pa:ss' }, `Basic ${btoa('robot$ns+ci:pa:ss')}`],
    [{ username: 'ü', password: '€' }, `Basic ${Buffer.from('ü:€').toString('base64')}`],
  ])('builds the header for %o', (credentials, header) => {
    expect(basicAuthorization(credentials)).toBe(header);
    expect(decodeBasic(encodeBasic(credentials))).toEqual(credentials);
  });

  it('splits on the first ":" only, and refuses a value without one', () => {
    expect(decodeBasic(btoa('a:b:c'))).toEqual({ username: 'a', password: 'b:c' });
    expect(decodeBasic(btoa(':'))).toEqual({ username: '', password: '' });
    expect(decodeBasic(btoa('nocolon'))).toBeUndefined();
  });
});
