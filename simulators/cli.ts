/**
 * `npm run simulator`: the registrar simulator (Dynadot api3 protocol) alone, on SIMULATOR_PORT
 * with key DYNADOT_API_KEY, at the account level and limit window the clients are configured
 * for. Development and tests only: nothing here is in the production image.
 */
import { loadConfig } from '../src/config';
import { RegistrarSimulator, SIMULATOR_LAG_MS } from './registrar/server';

async function main(): Promise<void> {
  const config = loadConfig();
  const sim = new RegistrarSimulator({
    port: config.SIMULATOR_PORT,
    apiKey: config.DYNADOT_API_KEY,
    accountLevel: config.DYNADOT_ACCOUNT_LEVEL,
    rateWindowMs: config.DYNADOT_RATE_WINDOW_MS,
    lagMs: SIMULATOR_LAG_MS,
  });
  await sim.start();
  console.log(`registrar simulator on ${sim.apiUrl} (admin: ${sim.url}/__sim/state)`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void sim.close().then(() => process.exit(0));
    });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
