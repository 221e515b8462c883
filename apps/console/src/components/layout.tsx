import type { ReactNode } from 'react';
import type { Route } from '../route';

const sections: { label: string; href: string; pages: Route['page'][] }[] = [
  { label: 'Overview', href: '#/', pages: ['overview'] },
  {
    label: 'Applications',
    href: '#/applications',
    pages: ['applications', 'endpoints', 'events', 'event', 'delivery'],
  },
  { label: 'Dead letters', href: '#/dead-letters', pages: ['dead-letters'] },
];

export function Layout({ route, onSignOut, children }: { route: Route; onSignOut: () => void; children: ReactNode }) {
  return (
    <>
      <header className="top">
        <span className="brand">Hookline console</span>
        <nav aria-label="Sections">
          {sections.map((s) => (
            <a key={s.href} href={s.href} aria-current={s.pages.includes(route.page) ? 'page' : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
    </>
  );
}
