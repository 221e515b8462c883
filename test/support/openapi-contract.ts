import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under Node's ESM loader.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** One HTTP exchange as a client saw it: what it sent and what came back. */
export type Exchange = {
  method: string;
  /** The path under the server URL, with its query string: `/applications/app_1/events?limit=2`. */
  url: string;
  headers: Record<string, string>;
  /** The request body as sent; undefined for none. */
  body?: string;
  response: { status: number; contentType: string | null; text: string };
};

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: object };
type MediaTypes = Record<string, { schema?: object }>;
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: MediaTypes };
  responses: Record<string, { content?: MediaTypes }>;
};
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components?: object };

const documentId = 'https://hookline.invalid/openapi.json';
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks traffic against an OpenAPI 3.1 document the way a contract-testing proxy does, with Ajv's
 * JSON Schema 2020-12 validator (the dialect of OpenAPI 3.1) and nothing of the code that generated
 * the document: which operation a request is, whether its parameters, headers and body are what the
 * operation declares, and whether the answer's status, content type and body are declared for it.
 */
export function createContractValidator(document: OpenApiDocument) {
  // The whole document is one schema resource, so `#/components/schemas/…` resolves as in the document.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: documentId });
  const validators = new Map<string, ValidateFunction>();
  const validatorAt = (path: string) => {
    let validate = validators.get(path);
    if (!validate) validators.set(path, (validate = ajv.compile({ $ref: `${documentId}#/${path}` })));
    return validate;
  };
  const check = (path: string, value: unknown, what: string): string[] => {
    const validate = validatorAt(path);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message}`);
  };

  const routes = Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      template,
      method: method.toUpperCase(),
      operation,
      pattern: new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_, name: string) => `(?<${name}>[^/]+)`)}$`),
    })),
  );

  /** The operation an exchange is, with its path parameters, or null when the document has none. */
  function match(method: string, pathname: string) {
    for (const route of routes) {
      const found = route.method === method ? route.pattern.exec(pathname) : null;
      if (found) return { ...route, pathParams: found.groups ?? {} };
    }
    return null;
  }

  /** What is wrong with the request by the document; empty when it is valid. */
  function requestProblems(exchange: Exchange): string[] {
    const url = new URL(exchange.url, 'http://hookline');
    const route = match(exchange.method, url.pathname);
    if (!route) return [`no operation ${exchange.method} ${url.pathname} in the document`];
    const base = pointer('paths', route.template, route.method.toLowerCase());
    const problems: string[] = [];
    const parameters = route.operation.parameters ?? [];
    parameters.forEach((parameter, index) => {
      const raw =
        parameter.in === 'path'
          ? route.pathParams[parameter.name]
          : parameter.in === 'query'
            ? (url.searchParams.get(parameter.name) ?? undefined)
            : headerValue(exchange.headers, parameter.name);
      if (raw === undefined) {
        if (parameter.required) problems.push(`${parameter.in} parameter ${parameter.name} is required`);
        return;
      }
      const value = coerce(raw, parameter.schema);
      problems.push(...check(`${base}/parameters/${index}/schema`, value, `${parameter.in} ${parameter.name}`));
    });
    for (const name of url.searchParams.keys()) {
      if (!parameters.some((p) => p.in === 'query' && p.name === name)) problems.push(`query ${name} is not declared`);
    }
    const hasBody = exchange.body !== undefined && exchange.body !== '';
    const body = route.operation.requestBody;
    if (!hasBody) {
      if (body?.required) problems.push('the request body is required');
      return problems;
    }
    if (!body) return [...problems, 'the operation declares no request body'];
    const contentType = headerValue(exchange.headers, 'content-type')?.split(';')[0]?.trim();
    if (!contentType || !body.content[contentType])
      return [...problems, `request content type ${contentType} is not declared`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(exchange.body!);
    } catch {
      return [...problems, 'the request body is not JSON'];
    }
    problems.push(...check(`${base}/requestBody/content/${pointer(contentType)}/schema`, parsed, 'body'));
    return problems;
  }

  /** What is wrong with the response by the document; empty when it is valid. */
  function responseProblems(exchange: Exchange): string[] {
    const url = new URL(exchange.url, 'http://hookline');
    const route = match(exchange.method, url.pathname);
    if (!route) return [`no operation ${exchange.method} ${url.pathname} in the document`];
    const status = String(exchange.response.status);
    const declared = route.operation.responses[status] ? status : route.operation.responses.default ? 'default' : null;
    if (!declared) return [`status ${status} is not declared for ${route.operation.operationId}`];
    const content = route.operation.responses[declared]!.content;
    if (!content) return exchange.response.text === '' ? [] : [`status ${status} declares no body but one came`];
    const contentType = exchange.response.contentType?.split(';')[0]?.trim() ?? '';
    if (!content[contentType]) return [`response content type ${contentType} is not declared for ${status}`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(exchange.response.text);
    } catch {
      return [`the ${status} body is not JSON: ${exchange.response.text.slice(0, 200)}`];
    }
    const base = pointer(
      'paths',
      route.template,
      route.method.toLowerCase(),
      'responses',
      declared,
      'content',
      contentType,
    );
    return check(`${base}/schema`, parsed, `${status} body`);
  }

  /** Whether an example validates against the schema it illustrates (a JSON pointer into the document). */
  function exampleProblems(schemaPointer: string, example: unknown): string[] {
    return check(schemaPointer, example, 'example');
  }

  return { match, requestProblems, responseProblems, exampleProblems };
}

export type ContractValidator = ReturnType<typeof createContractValidator>;

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** Query, path and header values are text; the schema says whether they stand for a number or a boolean. */
function coerce(raw: string, schema: object | undefined): unknown {
  const type = (schema as { type?: string } | undefined)?.type;
  if ((type === 'integer' || type === 'number') && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

/**
 * A contract-testing proxy: forwards every request under /api/v1 to `target` and checks each exchange
 * with `validator`, so a client in any language is checked against the document just by pointing it
 * here. `exchanges` and `problems` say what passed through and what did not match.
 */
export async function startContractProxy(target: string, validator: ContractValidator) {
  const exchanges: Exchange[] = [];
  const problems: string[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const forwarded = { ...headers };
    delete forwarded.host;
    delete forwarded.connection;
    const response = await fetch(`${target}${req.url}`, { method: req.method, headers: forwarded, body });
    const text = await response.text();
    const exchange: Exchange = {
      method: req.method!,
      url: req.url!.replace(/^\/api\/v1/, ''),
      headers,
      body,
      response: { status: response.status, contentType: response.headers.get('content-type'), text },
    };
    exchanges.push(exchange);
    const label = `${exchange.method} ${exchange.url} → ${exchange.response.status}`;
    if (exchange.response.status < 400)
      problems.push(...validator.requestProblems(exchange).map((p) => `${label} request: ${p}`));
    problems.push(...validator.responseProblems(exchange).map((p) => `${label} response: ${p}`));
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    problems,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
