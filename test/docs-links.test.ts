// Every relative link in the repository's Markdown points at a file that exists, and every anchor at a
// heading that exists, so moving or renaming a file or a section cannot leave the manual pointing nowhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const skippedDirectories = new Set(['node_modules', 'dist', 'coverage']);

/** Every Markdown file under the root, as a path relative to it; dependencies and dot-directories left out. */
function markdownFiles(directory = root): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      return entry.name.startsWith('.') || skippedDirectories.has(entry.name) ? [] : markdownFiles(full);
    }
    return entry.name.endsWith('.md') ? [path.relative(root, full)] : [];
  });
}

/** The text a reader sees as prose: fenced code blocks and inline code spans hold examples, not links. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Inline links and images `[text](target "title")` and reference definitions `[name]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = withoutCode(markdown);
  const inline = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  for (const [, heading] of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase();
    const slug = text.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** What is wrong with one link from `file`, or null when it resolves. */
function problemWith(file: string, target: string): string | null {
  // Absolute URLs (https:, mailto:…) are someone else's to keep.
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null;
  const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
  if (pathPart.startsWith('/')) return `${target}: links are relative to the file, not to a machine or the site root`;
  const resolved =
    pathPart === '' ? path.join(root, file) : path.resolve(root, path.dirname(file), decodeURI(pathPart));
  if (!existsSync(resolved)) return `${target}: ${path.relative(root, resolved)} does not exist`;
  if (anchor === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) return null;
  if (!headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
    return `${target}: ${path.relative(root, resolved)} has no heading with the anchor #${anchor}`;
  }
  return null;
}

const files = markdownFiles().sort();

describe('Markdown links', () => {
  it('finds the manual, the front door and the package READMEs', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/delivery.md', 'test/README.md']),
    );
    expect(files.filter((file) => /^(apps|packages)\/[^/]+\/README\.md$/.test(file)).length).toBeGreaterThan(5);
  });

  it('reads links as GitHub does', () => {
    expect(
      linkTargets('[a](x.md) `[b](not-a-link.md)` ![c](img.png "t")\n[d]: ref.md\n```\n[e](code.md)\n```'),
    ).toEqual(['x.md', 'img.png', 'ref.md']);
    expect([
      ...headingAnchors("# Where Hookline's time goes\n## `ceiling`: the ceiling\n## Retries\n## Retries"),
    ]).toEqual(['where-hooklines-time-goes', 'ceiling-the-ceiling', 'retries', 'retries-1']);
  });

  it.each(files)('%s links only to files and headings that exist', (file) => {
    const problems = linkTargets(readFileSync(path.join(root, file), 'utf8'))
      .map((target) => problemWith(file, target))
      .filter((problem) => problem !== null);
    expect(problems).toEqual([]);
  });
});
