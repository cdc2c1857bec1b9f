/**
 * The registrar simulator as a process of its own (`tsx test/faults/registrar-process.ts HOST
 * PORT LEVEL WINDOW_MS`), so that it can run on another test host (test/faults/netns.ts). Prints
 * its api3 URL once it listens; SIGTERM closes it.
 */
import type { AccountLevel } from '../../src/registrar/account';
import { RegistrarSimulator } from '../../simulators/registrar/server';

const [host = '127.0.0.1', port = '0', level = 'super_bulk', windowMs = '1000'] = process.argv.slice(2);
const sim = new RegistrarSimulator({
  host,
  port: Number(port),
  apiKey: 'test-key',
  timeoutHoldMs: 5_000,
  accountLevel: level as AccountLevel,
  rateWindowMs: Number(windowMs),
});
void sim.start().then(() => {
  console.log(`http://${host}:${new URL(sim.url).port}/api3.json`);
  process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
});
