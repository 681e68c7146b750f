import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../server/env.js';

describe('configuration', () => {
  it('defaults to the embedded database on port 4000', () => {
    const env = loadEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBe(4000);
    expect(env.DATA_DIR).toBe('.data');
  });

  it('fails fast listing every bad value', () => {
    expect(() => loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrow(EnvError);
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
      expect((error as Error).message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    }
  });

  it('refuses the development issuer in production and an incomplete OIDC setup', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE=dev is refused/);
    expect(() => loadEnv({ AUTH_MODE: 'oidc' })).toThrow(/OIDC_ISSUER and OIDC_JWKS_URL/);
  });

  it('refuses the removed per-address request rate, naming the one budget that replaced it', () => {
    expect(() => loadEnv({ ANONYMOUS_REQUESTS_PER_SECOND: '5' })).toThrow(
      /ANONYMOUS_REQUESTS_PER_SECOND: was removed: .*ANONYMOUS_RATE_LIMIT_CAPACITY and ANONYMOUS_RATE_LIMIT_RESTORE_PER_SECOND/,
    );
    expect(() => loadEnv({ ANONYMOUS_RATE_LIMIT_CAPACITY: '5' })).toThrow(/at least 10, the cost of one token request/);
  });

  it('opens introspection to everyone in development, to token holders only in production, unless configured', () => {
    const oidc = { AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://issuer.example', OIDC_JWKS_URL: 'https://issuer.example/jwks' };
    expect(loadEnv({}).INTROSPECTION).toBe('on');
    expect(loadEnv({ NODE_ENV: 'production', ...oidc }).INTROSPECTION).toBe('authenticated');
    expect(loadEnv({ NODE_ENV: 'production', INTROSPECTION: 'off', ...oidc }).INTROSPECTION).toBe('off');
  });

  it('allows no cross-origin browser callers by default, and only exact origins when configured', () => {
    expect(loadEnv({}).CORS_ORIGINS).toEqual([]);
    expect(loadEnv({ CORS_ORIGINS: 'https://console.example, http://localhost:5173' }).CORS_ORIGINS).toEqual([
      'https://console.example',
      'http://localhost:5173',
    ]);
    expect(() => loadEnv({ CORS_ORIGINS: 'https://console.example/app' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadEnv({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });
});
