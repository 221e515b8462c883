import { Envelope, listEventTypes } from '@hookline/schema';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { z } from 'zod';
import { appErrorCodes } from './errors';
import { errorExamples, responseExamples } from './openapi-examples';
import { appRouter } from './routers';
import { restBasePath } from './routers/rest';

/** The one error shape every REST operation answers with. */
const ErrorBody = z.object({
  code: z.enum([...(Object.keys(appErrorCodes) as [keyof typeof appErrorCodes]), 'internal']),
  message: z.string(),
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
});

/**
 * The OpenAPI 3.1 document, generated from the router's zod schemas so REST and tRPC cannot
 * drift apart; then completed with what the router cannot say on its own: the error shape,
 * the envelope receivers get, and a schema per (event type, version).
 */
export function buildOpenApiDocument({ serverUrl = 'http://127.0.0.1:3000' } = {}): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Hookline API',
    description:
      'Publish typed, versioned events; Hookline stores them, fans them out to subscribed endpoints and delivers signed webhooks (Standard Webhooks) with retries and dead letters.',
    version: '0.1.0',
    baseUrl: `${serverUrl}${restBasePath}`,
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: hk_…' } },
  });

  const schemas: Record<string, unknown> = {
    Error: z.toJSONSchema(ErrorBody, { target: 'draft-2020-12' }),
    WebhookEnvelope: z.toJSONSchema(Envelope, { target: 'draft-2020-12' }),
  };
  for (const type of listEventTypes()) {
    for (const version of type.versions) {
      schemas[schemaName(type.type, version.version)] = {
        ...version.jsonSchema,
        description: version.description,
        deprecated: version.deprecated || undefined,
        examples: [version.example],
      };
    }
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(schemas as object) },
  };
  useErrorSchema(document);
  dropTrpcErrorSchemas(document);
  makeOptionalBodiesOptional(document);
  addExamples(document);
  describePublishedData(
    document,
    Object.keys(schemas).filter((n) => n !== 'Error' && n !== 'WebhookEnvelope'),
  );
  return document;
}

/**
 * The router types `data` as unknown (it is checked against the registry at run time); the
 * document says what it really is: one of the registered payload schemas, with an example.
 */
function describePublishedData(document: OpenAPIObject, payloadSchemas: string[]) {
  const oneOf = payloadSchemas.map((name) => ({ $ref: `#/components/schemas/${name}` }));
  const data = { description: 'The payload; it must match the schema of (type, version).', oneOf };
  const orderCreated = listEventTypes()
    .find((t) => t.type === 'order.created')
    ?.versions.find((v) => v.version === '1.0');
  const single = jsonBody(document, '/applications/{appId}/events');
  if (single?.schema?.properties) {
    single.schema.properties.data = data;
    single.example = {
      type: 'order.created',
      version: '1.0',
      data: orderCreated?.example,
      idempotencyKey: 'ord_123-created',
      orderingKey: 'ord_123',
    };
  }
  const batchItems = jsonBody(document, '/applications/{appId}/events/batch')?.schema?.properties?.events?.items;
  if (batchItems?.properties) batchItems.properties.data = data;
}

/** The generated JSON Schema parts, as loosely as editing them needs (the OpenAPI types are unions with $ref). */
type LooseSchema = { properties?: Record<string, LooseSchema>; items?: LooseSchema } & Record<string, unknown>;
type LooseOperation = { requestBody?: { content?: Record<string, { schema?: LooseSchema; example?: unknown }> } };

/** The JSON request body of the POST at `path`, to be edited in place. */
function jsonBody(document: OpenAPIObject, path: string) {
  return (document.paths?.[path] as Record<string, LooseOperation> | undefined)?.post?.requestBody?.content?.[
    'application/json'
  ];
}

/** `order.created` 1.0 → `OrderCreatedV1_0` */
function schemaName(type: string, version: string): string {
  const pascal = type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `${pascal}V${version.replace('.', '_')}`;
}

function useErrorSchema(document: OpenAPIObject) {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(
      item as Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>,
    )) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json) json.schema = { $ref: '#/components/schemas/Error' };
      }
    }
  }
}

type OperationToComplete = {
  operationId?: string;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: LooseSchema }> };
  responses?: Record<string, { content?: Record<string, { example?: unknown }> }>;
};

function operations(document: OpenAPIObject): OperationToComplete[] {
  return Object.values(document.paths ?? {}).flatMap((item) =>
    Object.values(item as Record<string, OperationToComplete>),
  );
}

/** trpc-to-openapi adds a schema per tRPC error; REST answers with `Error` instead, so they describe nothing. */
function dropTrpcErrorSchemas(document: OpenAPIObject) {
  const schemas = document.components?.schemas ?? {};
  for (const name of Object.keys(schemas)) if (name.startsWith('error.')) delete schemas[name];
}

/**
 * A body whose fields are all optional (a rotation with the defaults) may be left out entirely, as
 * the server allows; trpc-to-openapi marks every body required.
 */
function makeOptionalBodiesOptional(document: OpenAPIObject) {
  for (const operation of operations(document)) {
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    if (operation.requestBody && !(Array.isArray(schema?.required) && schema.required.length > 0))
      operation.requestBody.required = false;
  }
}

/** A response example for every status of every operation; a missing one is a mistake to catch here. */
function addExamples(document: OpenAPIObject) {
  for (const operation of operations(document)) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const json = response.content?.['application/json'];
      if (!json) continue;
      const example = status === '200' ? responseExamples[operation.operationId ?? ''] : errorExamples[Number(status)];
      if (example === undefined)
        throw new Error(`no example for ${operation.operationId} ${status}: add one in openapi-examples.ts`);
      json.example = example;
    }
  }
}
