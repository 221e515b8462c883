import { Option, type Command } from 'commander';
import { print, printNextPageHint, type CliContext } from '../context';
import {
  collectHeader,
  parseFilter,
  parseList,
  parseNonNegativeInt,
  parsePositiveInt,
  parseRateLimit,
  parseRetrySchedule,
  parseWholeNumber,
  orNull,
  type None,
} from '../option-parsers';
import { formatRecord, formatTable } from '../output';

type Endpoint = {
  id: string;
  url: string;
  enabled: boolean;
  eventTypes: string[] | null;
  signing: string;
  consecutiveFailures: number;
  disabledReason: string | null;
  filter: Record<string, unknown> | null;
  /** Masked (`********`) except in the answer to the create or update that set them. */
  headers: Record<string, string>;
  rateLimit: number | null;
  maxInFlight: number;
};

/** `x-tenant=********, authorization=********`: the same name=value form `--header` takes. */
const formatHeaders = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');

/** One endpoint as `key: value` lines, its headers as name=value. */
const formatEndpoint = (endpoint: Endpoint & Record<string, unknown>) =>
  formatRecord({ ...endpoint, headers: formatHeaders(endpoint.headers) });

const columns = [
  { header: 'id', value: (e: Endpoint) => e.id },
  { header: 'enabled', value: (e: Endpoint) => (e.enabled ? 'yes' : `no (${e.disabledReason ?? 'by hand'})`) },
  { header: 'signing', value: (e: Endpoint) => e.signing },
  { header: 'failures', value: (e: Endpoint) => e.consecutiveFailures },
  { header: 'event types', value: (e: Endpoint) => e.eventTypes?.join(',') ?? '*' },
  { header: 'rate', value: (e: Endpoint) => (e.rateLimit === null ? null : `${e.rateLimit}/s`) },
  { header: 'in flight', value: (e: Endpoint) => e.maxInFlight },
  { header: 'headers', value: (e: Endpoint) => formatHeaders(e.headers) },
  { header: 'filter', value: (e: Endpoint) => e.filter },
  { header: 'url', value: (e: Endpoint) => e.url },
];

const signingOption = () =>
  new Option('--signing <scheme>', 'hmac (a shared whsec_ secret) or ed25519 (a key pair)').choices([
    'hmac',
    'ed25519',
  ]);

// The options create and update share: what each endpoint receives, and how fast.
const filterHelp = 'a JSON condition on the envelope ({"data.amount":{"$gte":100}}); see docs/api.md';
const headerHelp = 'a custom header sent with every request, name=value; repeat for more';
const rateLimitHelp = 'requests per second at most (0.1-10000, fractions allowed)';
const maxInFlightHelp = 'requests running at once at most (1-1000; default 10)';

type DeliveryControls = {
  filter?: Record<string, unknown> | None;
  header?: Record<string, string>;
  rateLimit?: number | None;
  maxInFlight?: number;
};

/** The controls as the API takes them: `none` is null, the repeated --header one object. */
const deliveryControls = ({ filter, header, rateLimit, maxInFlight }: DeliveryControls) => ({
  filter: orNull(filter),
  headers: header,
  rateLimit: orNull(rateLimit),
  maxInFlight,
});

export function registerEndpoints(program: Command, ctx: CliContext): void {
  const endpoints = program
    .command('endpoints')
    .description("an application's receivers: create, list, get, update, enable, disable, rotate-secret, secret");

  endpoints
    .command('create')
    .description('create an endpoint; prints its signing secret and header values once')
    .requiredOption('--app <appId>', 'the application (app_…)')
    .requiredOption('--url <url>', 'where webhooks are POSTed')
    .option('--description <text>', 'what it is for')
    .option(
      '--event-types <types>',
      'comma-separated types or patterns (order.created,invoice.*); default: all',
      parseList,
    )
    .option(
      '--retry-schedule <seconds>',
      'seconds before each retry (5,60,300) or none; default: the service schedule',
      parseRetrySchedule,
    )
    .option('--filter <json>', `${filterHelp}; default: none`, parseFilter)
    .option('--header <name=value>', headerHelp, collectHeader)
    .option('--rate-limit <n|none>', `${rateLimitHelp}; default: none, no limit`, parseRateLimit)
    .option('--max-in-flight <n>', maxInFlightHelp, parseWholeNumber)
    .addOption(signingOption())
    .action(
      async (
        options: {
          app: string;
          url: string;
          description?: string;
          eventTypes?: string[];
          retrySchedule?: number[];
          signing?: 'hmac' | 'ed25519';
        } & DeliveryControls,
        command: Command,
      ) => {
        const { app, filter, header, rateLimit, maxInFlight, ...rest } = options;
        const endpoint = await (
          await ctx.client()
        ).endpoints.create.mutate({
          appId: app,
          ...rest,
          ...deliveryControls({ filter, header, rateLimit, maxInFlight }),
        });
        print(ctx, command, endpoint, () => formatEndpoint(endpoint));
      },
    );

  endpoints
    .command('list')
    .description("list an application's endpoints")
    .requiredOption('--app <appId>', 'the application (app_…)')
    .option('--limit <n>', 'at most this many (1-250)', parsePositiveInt(250), 50)
    .option('--cursor <cursor>', 'the next page: the cursor a previous list printed')
    .action(async (options: { app: string; limit: number; cursor?: string }, command: Command) => {
      const { app, ...page } = options;
      const result = await (await ctx.client()).endpoints.list.query({ appId: app, ...page });
      print(ctx, command, result, () => formatTable(result.items, columns));
      printNextPageHint(ctx, command, result.nextCursor);
    });

  endpoints
    .command('get')
    .description('show one endpoint')
    .argument('<endpointId>', 'ep_…')
    .action(async (endpointId: string, _options, command: Command) => {
      const endpoint = await (await ctx.client()).endpoints.get.query({ endpointId });
      print(ctx, command, endpoint, () => formatEndpoint(endpoint));
    });

  endpoints
    .command('update')
    .description('change an endpoint; only the options given change')
    .argument('<endpointId>', 'ep_…')
    .option('--url <url>', 'where webhooks are POSTed')
    .option('--description <text>', 'what it is for')
    .option('--event-types <types>', 'comma-separated types or patterns; "*" for all', parseList)
    .option('--retry-schedule <seconds>', 'seconds before each retry (5,60,300) or none', parseRetrySchedule)
    .option('--default-retry-schedule', 'go back to the service retry schedule')
    .option('--filter <json|none>', `${filterHelp}; none removes it`, parseFilter)
    .addOption(
      new Option('--header <name=value>', `${headerHelp}; replaces every header (give them all)`)
        .argParser(collectHeader)
        .conflicts('removeHeaders'),
    )
    .option('--remove-headers', 'remove every custom header')
    .option('--rate-limit <n|none>', `${rateLimitHelp}; none removes it`, parseRateLimit)
    .option('--max-in-flight <n>', maxInFlightHelp, parseWholeNumber)
    .action(
      async (
        endpointId: string,
        options: {
          url?: string;
          description?: string;
          eventTypes?: string[];
          retrySchedule?: number[];
          defaultRetrySchedule?: boolean;
          removeHeaders?: boolean;
        } & DeliveryControls,
        command: Command,
      ) => {
        const { defaultRetrySchedule, eventTypes, filter, header, removeHeaders, rateLimit, maxInFlight, ...rest } =
          options;
        const endpoint = await (
          await ctx.client()
        ).endpoints.update.mutate({
          endpointId,
          ...rest,
          ...deliveryControls({ filter, header, rateLimit, maxInFlight }),
          // "*" means every type, which the API spells null.
          ...(eventTypes ? { eventTypes: eventTypes.includes('*') ? null : eventTypes } : {}),
          ...(defaultRetrySchedule ? { retrySchedule: null } : {}),
          // Without --header, headers stay out of the call and the API keeps them; with it, it replaces them all.
          ...(removeHeaders ? { headers: null } : {}),
        });
        print(ctx, command, endpoint, () => formatEndpoint(endpoint));
      },
    );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    endpoints
      .command(name)
      .description(enabled ? 'enable an endpoint (resets its failure count)' : 'stop delivering to an endpoint')
      .argument('<endpointId>', 'ep_…')
      .action(async (endpointId: string, _options, command: Command) => {
        const endpoint = await (await ctx.client()).endpoints.update.mutate({ endpointId, enabled });
        print(ctx, command, endpoint, () => `${endpoint.id} ${enabled ? 'enabled' : 'disabled'}\n`);
      });
  }

  endpoints
    .command('rotate-secret')
    .description('rotate the signing key; the previous keys keep signing for the grace period')
    .argument('<endpointId>', 'ep_…')
    .option(
      '--grace-seconds <seconds>',
      'how long the previous keys keep signing; 0 retires them at once (default 24 h)',
      parseNonNegativeInt,
    )
    .addOption(signingOption())
    .action(
      async (
        endpointId: string,
        options: { graceSeconds?: number; signing?: 'hmac' | 'ed25519' },
        command: Command,
      ) => {
        const secrets = await (await ctx.client()).endpoints.rotateSecret.mutate({ endpointId, ...options });
        print(ctx, command, secrets, () => formatVerificationKeys(secrets));
      },
    );

  endpoints
    .command('secret')
    .description('show the keys receivers verify this endpoint with')
    .argument('<endpointId>', 'ep_…')
    .action(async (endpointId: string, _options, command: Command) => {
      const secrets = await (await ctx.client()).endpoints.getSecret.query({ endpointId });
      print(ctx, command, secrets, () => formatVerificationKeys(secrets));
    });
}

type VerificationKeys = {
  keys: {
    signing: string;
    secret: string | null;
    publicKey: string | null;
    createdAt: string;
    expiresAt: string | null;
  }[];
};

const formatVerificationKeys = ({ keys }: VerificationKeys) =>
  formatTable(keys, [
    { header: 'signing', value: (k) => k.signing },
    { header: 'key', value: (k) => k.secret ?? k.publicKey },
    { header: 'created', value: (k) => k.createdAt },
    { header: 'stops signing', value: (k) => k.expiresAt ?? 'current' },
  ]);
