import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect.server';

const OWN = 'http://app.example:3000/login';

describe('safeRedirect', () => {
  it('keeps paths on this site, query and hash included', () => {
    expect(safeRedirect('/workspaces?tab=2#notices', OWN)).toBe('/workspaces?tab=2#notices');
    expect(safeRedirect('/drafts/new', OWN)).toBe('/drafts/new');
    expect(safeRedirect('http://app.example:3000/search?q=氢', OWN)).toBe('/search?q=%E6%B0%A2');
  });

  it('refuses whatever a browser would read as another origin', () => {
    for (const to of [
      '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '//evil.example', '///evil.example', '\\\\evil.example',
      '/\\/evil.example', 'http://evil.example/', 'https://app.example:3000/', 'http://app.example:3001/', 'javascript:alert(1)',
      'data:text/html,x', 'http://app.example:3000//evil.example', 'http://app.example:3000/.//evil.example',
    ]) {
      const out = safeRedirect(to, OWN);
      expect(new URL(out, OWN).origin, JSON.stringify(to)).toBe('http://app.example:3000');
      expect(out, JSON.stringify(to)).toBe('/');
    }
  });

  it('falls back on nothing, non-strings and the unparsable', () => {
    for (const to of [undefined, null, '', 42, ['/x'], 'http://[::1']) expect(safeRedirect(to, OWN)).toBe('/');
    expect(safeRedirect('http://evil.example/', OWN, '/login')).toBe('/login');
    // Our own URL with an opaque origin (a proxy forwarding a strange protocol) trusts nothing.
    expect(safeRedirect('/.//evil.example', 'gopher://app.example/login')).toBe('/');
  });
});
