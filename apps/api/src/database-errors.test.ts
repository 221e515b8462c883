import { describe, expect, it } from 'vitest';
import { loggableError } from './database-errors';
import { AppError } from './errors';
import { classifyError } from './wire-errors';

// What Drizzle throws when PostgreSQL refuses a value: its message holds the query and every parameter.
function drizzleError(code: string) {
  const driver = Object.assign(new Error('invalid input syntax for type uuid: "secret-param"'), {
    name: 'PostgresError',
    code,
    routine: 'string_to_uuid',
  });
  return Object.assign(new Error('Failed query: select * from events where id = $1\nparams: secret-param'), {
    name: 'DrizzleQueryError',
    cause: driver,
  });
}

describe('database errors', () => {
  it('a refused value answers a fixed 400 with the SQLSTATE, and logs no SQL and no parameter', () => {
    const logged: unknown[] = [];
    const classified = classifyError(drizzleError('22P02'), (error) => logged.push(loggableError(error, 'events.get')));
    expect(classified).toBeInstanceOf(AppError);
    expect((classified as AppError).code).toBe('validation');
    expect((classified as AppError).message).toContain('22P02');
    expect((classified as AppError).message).not.toMatch(/select|secret-param|params/);
    expect(logged).toEqual([{ sqlstate: '22P02', query: 'events.get' }]);
  });

  it('any other database error is logged as its SQLSTATE and operation only', () => {
    expect(JSON.stringify(loggableError(drizzleError('42P01'), 'events.list'))).not.toMatch(/select|secret-param/);
    const plain = new Error('a bug');
    expect(loggableError(plain, 'x')).toBe(plain);
  });
});
