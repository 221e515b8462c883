// Checks that a receiver written from the spec in another language, with only its standard library,
// accepts what webhookHeaders produces and rejects what it should.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateSecret, webhookHeaders } from '@hookline/verify';
import { afterEach, describe, expect, it } from 'vitest';

const RECEIVER = fileURLToPath(new URL('./receiver.py', import.meta.url));
const hasPython = spawnSync('python3', ['--version']).status === 0;
// Everything here needs python3; skip rather than fail on machines without it.
const itWithPython = it.skipIf(!hasPython);

function makeSigned({
  secrets,
  body,
  timestamp = Math.floor(Date.now() / 1000),
}: {
  secrets: string[];
  body: string;
  timestamp?: number;
}) {
  return { body, headers: webhookHeaders({ id: 'evt_1', timestamp, body, secrets }) };
}

function verifyCli(input: { secret: string; headers: Record<string, string>; body: string }) {
  const run = spawnSync('python3', [RECEIVER, 'verify_cli'], { input: JSON.stringify(input), encoding: 'utf8' });
  return { status: run.status, output: run.stdout.trim(), stderr: run.stderr };
}

describe('python receiver verify_cli', () => {
  const secret = generateSecret();
  const body = JSON.stringify({ type: 'order.created', data: { id: 'ord_1', note: 'Zoë ✓' } });

  itWithPython('accepts a good signature, also during rotation', () => {
    expect(verifyCli({ secret, ...makeSigned({ secrets: [secret], body }) })).toMatchObject({
      status: 0,
      output: 'ok',
    });
    const rotating = makeSigned({ secrets: [generateSecret(), secret], body });
    expect(verifyCli({ secret, ...rotating })).toMatchObject({ status: 0, output: 'ok' });
  });

  itWithPython('rejects a tampered body', () => {
    const signed = makeSigned({ secrets: [secret], body });
    const result = verifyCli({ secret, ...signed, body: body.replace('ord_1', 'ord_2') });
    expect(result).toMatchObject({ status: 1 });
    expect(result.output).toMatch(/^bad_signature:/);
  });

  itWithPython('rejects an old timestamp', () => {
    const signed = makeSigned({ secrets: [secret], body, timestamp: Math.floor(Date.now() / 1000) - 301 });
    const result = verifyCli({ secret, ...signed });
    expect(result).toMatchObject({ status: 1 });
    expect(result.output).toMatch(/^timestamp_too_old:/);
  });

  itWithPython('rejects the wrong secret and a missing header', () => {
    const signed = makeSigned({ secrets: [secret], body });
    expect(verifyCli({ secret: generateSecret(), ...signed }).output).toMatch(/^bad_signature:/);
    const { 'webhook-id': _id, ...withoutId } = signed.headers;
    expect(verifyCli({ secret, body, headers: withoutId }).output).toMatch(/^missing_header:/);
  });
});

describe('python receiver server mode', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  itWithPython('prints each verified event as a JSON line, answers 204, and 401 on failure', async () => {
    const secret = generateSecret();
    const child = spawn('python3', [RECEIVER, '--port', '0', '--secret', secret], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const [listening] = (await once(createInterface({ input: child.stderr! }), 'line')) as [string];
    const url = listening.match(/listening on (http:\/\/\S+)/)?.[1];
    expect(url).toBeDefined();
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();

    const body = JSON.stringify({ type: 'order.created', data: { id: 'ord_1' } });
    const good = await fetch(url!, { method: 'POST', ...makeSigned({ secrets: [secret], body }) });
    expect(good.status).toBe(204);
    expect(JSON.parse((await lines.next()).value as string)).toEqual(JSON.parse(body));

    const forged = await fetch(url!, { method: 'POST', ...makeSigned({ secrets: [generateSecret()], body }) });
    expect(forged.status).toBe(401);
    expect(await forged.text()).toMatch(/^bad_signature:/);
  });
});
