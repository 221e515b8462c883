import type { UseInfiniteQueryResult } from '@tanstack/react-query';

/** The next page of a cursor-paginated list, on request. */
export function LoadMore({ query }: { query: UseInfiniteQueryResult }) {
  if (!query.hasNextPage) return null;
  return (
    <button type="button" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
      {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
    </button>
  );
}
