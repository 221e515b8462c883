import { describe, expect, it } from 'vitest';
import { createRouteLabeler } from './http-route';

describe('the route label', () => {
  const labels = createRouteLabeler();

  it('is the OpenAPI template for REST, never the raw path', () => {
    expect(labels.route('GET', '/api/v1/events/evt_01JABC?x=1')).toBe('/api/v1/events/{eventId}');
    expect(labels.route('POST', '/api/v1/applications/app_1/events/batch')).toBe(
      '/api/v1/applications/{appId}/events/batch',
    );
    expect(labels.route('POST', '/api/v1/applications/app_1/events')).toBe('/api/v1/applications/{appId}/events');
    // A known path with a method it does not take, and a path nobody serves.
    expect(labels.route('DELETE', '/api/v1/events/evt_1')).toBe('unmatched');
    expect(labels.route('GET', '/api/v1/evt_1/whatever')).toBe('unmatched');
  });

  it('is /trpc/<procedure> for a procedure that exists, the path for the server’s own pages, else unmatched', () => {
    expect(labels.route('POST', '/trpc/events.publish')).toBe('/trpc/events.publish');
    expect(labels.route('GET', '/trpc/no.such.procedure')).toBe('unmatched');
    for (const page of ['/health', '/ready', '/metrics', '/docs', '/api/openapi.json']) {
      expect(labels.route('GET', page)).toBe(page);
    }
    expect(labels.route('GET', '/wp-login.php')).toBe('unmatched');
  });

  it('keeps the method label to the methods HTTP defines', () => {
    expect(labels.method('GET')).toBe('GET');
    expect(labels.method('BREW')).toBe('other');
  });
});
