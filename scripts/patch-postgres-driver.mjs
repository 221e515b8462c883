// Run by `npm install` (postinstall). Patches a crash in postgres.js 3.4.9, the driver under Drizzle,
// until a release fixes it (porsager/postgres#1066, #1154, #1208; fix as proposed in PR #1209).
//
// When a connection dies inside a transaction (PostgreSQL restarts, pg_terminate_backend, a network
// cut), postgres.js sends ROLLBACK on it after the socket is gone. The write is deferred with
// setImmediate and then dereferences the null socket: an uncaught TypeError that kills the process,
// where the caller should have had a 503. Worse, teardown cancels a pending write without forgetting
// it, so a reconnected connection never flushes small writes again and its queries hang.
//
// The patch: a deferred write to a closed socket rejects the queries waiting on it with
// CONNECTION_CLOSED (a catchable error) instead of throwing; teardown forgets the pending write.
// test/database-outage.test.ts fails (an uncaught exception) without it. The script refuses to run
// against another version, so a driver upgrade has to look at this again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// npm workspaces hoist it to the repository's node_modules.
const root = fileURLToPath(new URL('../node_modules/postgres', import.meta.url));
if (!existsSync(root)) process.exit(0); // not installed: nothing to patch
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const marker = '/* hookline: closed-socket write guard */';
if (version !== '3.4.9') {
  console.error(
    `scripts/patch-postgres-driver.mjs patches postgres 3.4.9, but ${version} is installed. ` +
      'Check whether porsager/postgres#1208 is fixed in it; then update or remove this script.',
  );
  process.exit(1);
}

const edits = [
  {
    from: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    to:
      `  function nextWrite(fn) {\n    ${marker}\n    if (!socket) {\n` +
      '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
      '      chunk = nextWriteTimer = null\n' +
      "      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
      '      return false\n    }\n    const x = socket.write(chunk, fn)',
  },
  // terminate() and closed(): forget the cancelled write, or the connection never writes again.
  {
    from: '    clearImmediate(nextWriteTimer)\n    if (socket) {',
    to: '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {',
  },
  {
    from: '    clearImmediate(nextWriteTimer)\n    socket.removeListener',
    to: '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener',
  },
];

for (const build of ['src', 'cjs/src', 'cf/src']) {
  const file = `${root}/${build}/connection.js`;
  let text = readFileSync(file, 'utf8');
  if (text.includes(marker)) continue;
  for (const { from, to } of edits) {
    if (text.split(from).length !== 2) {
      console.error(`scripts/patch-postgres-driver.mjs: ${file} does not look like postgres 3.4.9's; not patched.`);
      process.exit(1);
    }
    text = text.replace(from, () => to);
  }
  writeFileSync(file, text);
}
