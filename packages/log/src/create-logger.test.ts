import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from './create-logger';

function captured(options: Omit<LoggerOptions, 'write'> = {}) {
  const lines: string[] = [];
  const log = createLogger('test', { ...options, write: (line) => lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON line per message with time, level, service, message and fields', () => {
    const { log, records } = captured();
    log('started', { port: 3000 });
    log.warn('slow', { ms: 12 });
    expect(records()).toEqual([
      { time: expect.any(String), level: 'info', service: 'test', message: 'started', port: 3000 },
      { time: expect.any(String), level: 'warn', service: 'test', message: 'slow', ms: 12 },
    ]);
  });

  it('drops lines below its level', () => {
    const { log, records } = captured({ level: 'warn' });
    log.debug('noise');
    log('info noise');
    log.error('broken');
    expect(records().map((r) => r.message)).toEqual(['broken']);
  });

  it('adds a child’s fields to every line it writes', () => {
    const { log, records } = captured();
    log.child({ requestId: 'r1' }).info('one', { extra: true });
    expect(records()[0]).toMatchObject({ requestId: 'r1', message: 'one', extra: true });
  });

  it('keeps an Error’s message and stack', () => {
    const { log, records } = captured();
    log.error('failed', { error: new Error('boom') });
    expect(records()[0]!.error).toMatchObject({ message: 'boom', stack: expect.stringContaining('Error: boom') });
  });

  it('never writes a secret: by field name, nested, or in text', () => {
    const { log, lines } = captured();
    const secrets = {
      apiKey: 'hk_live_0123456789abcdefghij',
      signingKey: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      encryptionKey: 'aG9va2xpbmUgdGVzdCBlbmNyeXB0aW9uIGtleSB2MSE=',
      headers: { authorization: 'Bearer hk_live_0123456789abcdefghij', 'content-type': 'application/json' },
    };
    log('configured', secrets);
    log('endpoint', { endpoint: { id: 'ep_1', secret: 'whsec_abc', signingKey: 'whsec_def' } });
    log(`created key hk_abcdefghijklmnop0123 and secret whsec_QUJDREVGR0g= for postgres://u:hunter2@db/x`);
    log.error('auth failed', { error: new Error('bad header Bearer sometoken123') });
    const output = lines.join('');
    for (const secret of [
      'hk_live_0123456789',
      'MfKQ9r8GKYqr',
      'aG9va2xpbmUg',
      'hk_abcdefghij',
      'QUJDREVGR0g',
      'hunter2',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/whsec_(abc|def)/);
    expect(output).not.toContain('sometoken123');
    expect(output).toContain('[redacted]');
    expect(output).toContain('application/json');
  });

  it('writes readable lines instead of JSON when pretty', () => {
    const { log, lines } = captured({ pretty: true });
    log.warn('attempt failed', { deliveryId: 'dlv_1' });
    expect(lines[0]).toMatch(/WARN .*test.* attempt failed .*deliveryId=dlv_1/);
  });
});
