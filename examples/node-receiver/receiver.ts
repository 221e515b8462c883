// A webhook receiver in a dozen lines: verifies each request with @hookline/verify and prints it.
//   WEBHOOK_SECRET=whsec_… npx tsx examples/node-receiver/receiver.ts      (listens on 127.0.0.1:4000)
import http from 'node:http';
import { verifyNodeRequest, WebhookVerificationError } from '@hookline/verify';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) throw new Error('Set WEBHOOK_SECRET to the whsec_… secret that endpoints.create returned.');
const port = Number(process.env.RECEIVER_PORT ?? 4000);

http
  .createServer(async (req, res) => {
    try {
      const envelope = await verifyNodeRequest(req, { secret });
      console.log('verified webhook:', JSON.stringify(envelope));
      res.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      console.log(`rejected (${error.code}): ${error.message}`);
      res.writeHead(401).end();
    }
  })
  .listen(port, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${port}/webhook`));
