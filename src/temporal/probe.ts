import { Connection } from '@temporalio/client';

/** Whether a Temporal frontend at `address` answers `check` now (connection refused, or any error: no). */
export async function temporalAnswers(
  address: string,
  check: (connection: Connection) => Promise<unknown>,
): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await check(connection);
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}
