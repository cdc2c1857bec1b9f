import { Client, Connection } from '@temporalio/client';

/**
 * A client whose connection is made on first use, so the API starts (and /readyz can say
 * "temporal unavailable") while Temporal is still coming up.
 */
export function createTemporalClient(address: string, namespace: string): Client {
  return new Client({ connection: Connection.lazy({ address }), namespace });
}
