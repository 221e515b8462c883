export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <h1>Not found</h1>
      <p>
        The console has no page at <code>{path}</code>. <a href="#/">Back to the overview</a>.
      </p>
    </>
  );
}
