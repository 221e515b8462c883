import { readFileSync } from 'node:fs';
import type postgres from 'postgres';

/** CPU time spent by each side of the pipeline while a meter ran. */
export interface CpuUsage {
  /** This process (the harness, pg-boss, the sender). */
  harnessMs: number;
  /** The receiver process. */
  receiverMs: number;
  /**
   * PostgreSQL backends serving this run's databases; null when the server is not on this machine.
   * Background processes (WAL writer, checkpointer, autovacuum) are not counted.
   */
  databaseMs: number | null;
  totalMs: number;
}

export interface CpuMeter {
  stop(): Promise<CpuUsage>;
}

// Linux reports process times in USER_HZ ticks, 100 a second on every common platform.
const msPerTick = 1000 / 100;

/** utime + stime of a process from /proc, in ms; null when it cannot be read (gone, not Linux). */
export function processCpuMs(pid: number, expectedName?: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const nameEnd = stat.lastIndexOf(')');
    if (expectedName && !stat.slice(stat.indexOf('(') + 1, nameEnd).startsWith(expectedName)) return null;
    const fields = stat.slice(nameEnd + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * msPerTick;
  } catch {
    return null;
  }
}

/**
 * Throughput on a shared 2-core machine moves with whatever else runs; CPU time per delivery
 * moves much less, so scenarios can be compared even when the machine is busy.
 */
export async function startCpuMeter(options: {
  receiverPid: number | undefined;
  /** Admin connection to the server and the databases whose backends count. */
  sql: postgres.Sql;
  databaseNames: () => string[];
  serverIsLocal: boolean;
}): Promise<CpuMeter> {
  const backendTimes = async () => {
    if (!options.serverIsLocal) return null;
    const rows = await options.sql<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = any(${options.databaseNames()})`;
    const times = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = processCpuMs(pid, 'postgres');
      if (ms !== null) times.set(pid, ms);
    }
    return times;
  };
  const receiverMs = () => (options.receiverPid ? (processCpuMs(options.receiverPid) ?? 0) : 0);

  const harnessStart = process.cpuUsage();
  const receiverStart = receiverMs();
  const backendsStart = await backendTimes();
  return {
    async stop() {
      const harness = process.cpuUsage(harnessStart);
      const harnessMs = (harness.user + harness.system) / 1000;
      const receiver = receiverMs() - receiverStart;
      const backendsEnd = await backendTimes();
      let databaseMs: number | null = null;
      if (backendsStart && backendsEnd) {
        databaseMs = 0;
        // A backend that connected after the start counts from zero; one that left is lost.
        for (const [pid, ms] of backendsEnd) databaseMs += ms - (backendsStart.get(pid) ?? 0);
      }
      return { harnessMs, receiverMs: receiver, databaseMs, totalMs: harnessMs + receiver + (databaseMs ?? 0) };
    },
  };
}
