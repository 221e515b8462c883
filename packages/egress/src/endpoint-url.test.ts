import { describe, expect, it } from 'vitest';
import { createEgressPolicy } from './egress-policy';
import { checkUrlHost, endpointUrlProblem, normalizeEndpointUrl } from './endpoint-url';
import type { ResolveHost } from './resolve-host';

describe('endpointUrlProblem', () => {
  it('accepts http and https URLs with a host', () => {
    for (const url of ['https://example.com/hooks', 'http://example.com:8080/x?y=1', 'https://[2606:4700::1]/']) {
      expect(endpointUrlProblem(url)).toBeNull();
    }
  });

  it.each([
    ['not a url', /absolute URL/],
    ['ftp://example.com/', /http: or https: URL, not ftp:/],
    ['file:///etc/passwd', /not file:/],
    ['gopher://127.0.0.1:6379/_INFO', /not gopher:/],
    ['javascript:alert(1)', /not javascript:/],
    ['https://user:pass@example.com/', /credentials/],
    ['https://user@example.com/', /credentials/],
  ])('refuses %s', (url, message) => {
    expect(endpointUrlProblem(url)).toMatch(message);
  });
});

describe('checkUrlHost', () => {
  const policy = createEgressPolicy();
  const resolveTo =
    (...addresses: string[]): ResolveHost =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('checks IP literals without resolving, including the spellings URL parsing normalises', async () => {
    const never: ResolveHost = () => Promise.reject(new Error('must not resolve'));
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::1]:8080/',
      'http://0.0.0.0/',
    ]) {
      expect(await checkUrlHost(url, policy, never)).toMatchObject({ ok: false });
    }
    expect(await checkUrlHost('http://8.8.8.8/', policy, never)).toEqual({ ok: true, addresses: ['8.8.8.8'] });
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const check = await checkUrlHost('https://sneaky.example/', policy, resolveTo('93.184.216.34', '10.0.0.5'));
    expect(check).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^sneaky\.example resolves to 10\.0\.0\.5, which is a private-network address; .*HOOKLINE_ALLOWED_CIDRS/,
      ),
    });
    expect(await checkUrlHost('https://fine.example/', policy, resolveTo('93.184.216.34'))).toEqual({
      ok: true,
      addresses: ['93.184.216.34'],
    });
  });

  it('reports a name that does not resolve as unresolved, not refused', async () => {
    const failing: ResolveHost = () =>
      Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' }));
    expect(await checkUrlHost('https://nowhere.invalid/', policy, failing)).toMatchObject({ ok: 'unresolved' });
    expect(await checkUrlHost('https://empty.example/', policy, resolveTo())).toMatchObject({ ok: 'unresolved' });
  });
});

describe('endpoint URLs are stored as they are called', () => {
  it('refuses whitespace and control characters instead of letting the parser drop them', () => {
    for (const url of [
      ' https://example.com/',
      'https://example.com/a\r\nb',
      'https://exa\tmple.com/',
      'https://example.com/\u0000',
      'https://example.com/ x',
    ]) {
      expect(endpointUrlProblem(url), JSON.stringify(url)).toBe('must not contain whitespace or control characters');
    }
  });

  it("normalises to the parser's own form", () => {
    expect(normalizeEndpointUrl('http:127.0.0.1:4101')).toBe('http://127.0.0.1:4101/');
    expect(normalizeEndpointUrl('HTTPS://Example.COM:443/Hooks?a=1')).toBe('https://example.com/Hooks?a=1');
  });
});
