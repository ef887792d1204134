import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactDatabaseUrl } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to the embedded backend on port 3112', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3112);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database.backend).toBe('embedded');
    expect(config.database.backend === 'embedded' && config.database.dataDir).toMatch(/\.sigap\/data$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://sigap@db.example:5432/sigap',
      DATABASE_POOL_MAX: '4',
    });
    expect(config.database).toMatchObject({ backend: 'postgres', poolMax: 4 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).database.backend).toBe('embedded');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: .*"abc"/],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /^DATABASE_URL: must start with postgres:\/\//],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL: is not a valid URL/],
    [{ SIGAP_DEMO: 'maybe' }, /^SIGAP_DEMO: must be true or false/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
  ])('rejects %o with one line naming the variable', (env, pattern) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(pattern);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('redacts passwords from database URLs', () => {
    expect(redactDatabaseUrl('postgres://u:secret@h:5432/d')).toBe('postgres://u:***@h:5432/d');
  });
});
