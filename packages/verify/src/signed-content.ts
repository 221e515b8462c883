/**
 * The bytes every signature covers: `${id}.${timestamp}.${body}`. The body is used exactly as sent,
 * so a receiver must hand us the raw bytes it received, never JSON it parsed and re-serialised.
 */
export function signedContent(input: { id: string; timestamp: number | string; body: string | Uint8Array }): Buffer {
  const prefix = Buffer.from(`${input.id}.${input.timestamp}.`, 'utf8');
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  return Buffer.concat([prefix, body]);
}
