import { expect, it } from 'vitest';
import { parseConfig, projectRoot } from '../core/config/config.ts';
import { ConfigError } from '../core/errors.ts';

it('defaults to the embedded services under .data/', () => {
  const config = parseConfig({});
  expect(config).toMatchObject({ databaseUrl: null, redisUrl: null, dataDir: `${projectRoot}/.data`, defaultProperty: null, logLevel: 'info' });
});

it('stops on a bad value with a message naming the variable', () => {
  expect(() => parseConfig({ DATABASE_URL: 'localhost:5432' })).toThrow(ConfigError);
  expect(() => parseConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL must start with postgres:\/\//);
  expect(() => parseConfig({ REDIS_URL: 'nope' })).toThrow(/^REDIS_URL is not a URL/);
  expect(() => parseConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
});

it('takes explicit URLs as given', () => {
  const config = parseConfig({ DATABASE_URL: 'postgres://u@db:5432/sb', REDIS_URL: 'redis://cache:6379', SWITCHBOARD_PROPERTY: 'shop' });
  expect(config).toMatchObject({ databaseUrl: 'postgres://u@db:5432/sb', redisUrl: 'redis://cache:6379', defaultProperty: 'shop' });
});
