/** CPU time of processes, read from /proc (Linux), for the benchmarks' CPU-per-operation figures. */
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICK_MS = 1000 / 100; // USER_HZ on Linux

/** CPU ms a process has used so far (all its threads), from /proc. */
export function cpuMs(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS; // utime + stime
  } catch {
    return 0; // gone meanwhile
  }
}

/** CPU ms used so far by every process whose command line starts with `prefix` (from /proc). */
export function cpuMsOf(prefix: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(prefix)) total += cpuMs(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The local Postgres server's backends (`postgres: …`): the app's queries, and temporal-server's persistence. */
export const postgresCpuMs = () => cpuMsOf('postgres');
