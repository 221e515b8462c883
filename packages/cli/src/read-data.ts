import { readFile } from 'node:fs/promises';
import { UsageError } from './errors';

/**
 * `--data` as curl spells it: `@order.json` reads a file, `-` (or `@-`) reads stdin, anything else is
 * the JSON itself. The result is parsed here so a typo is a usage error, not a round trip to the API.
 */
export async function readJsonData(spec: string, stdin: NodeJS.ReadableStream): Promise<unknown> {
  const fromStdin = spec === '-' || spec === '@-';
  const source = fromStdin ? 'stdin' : spec.startsWith('@') ? spec.slice(1) : null;
  let text: string;
  if (fromStdin) {
    text = await readAll(stdin);
  } else if (source) {
    text = await readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`--data ${spec}: cannot read ${source} (${error.code ?? error.message})`);
    });
  } else {
    text = spec;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--data: ${source ?? 'the value'} is not JSON (${(error as Error).message})`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
