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
});
