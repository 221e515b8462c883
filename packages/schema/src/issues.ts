import type { z } from 'zod';

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** `['data', 'items', 0, 'price']` → `data.items[0].price`, the way a developer would write the field. */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text;
}

/**
 * zod's own messages ("Invalid input: expected number, received undefined") do not say which field they
 * are about once they leave the issue object, e.g. in a log line or a 400 body. Prefix the field's path.
 */
export function toValidationIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: (string | number)[],
): ValidationIssue[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
    return { path, message: `${formatPath(path) || 'value'}: ${issue.message}` };
  });
}

export function summarizeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => issue.message).join('; ');
}
