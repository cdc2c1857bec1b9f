import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { WorkerDeployment } from './worker';

const { WorkerDeploymentVersionStatus, VersionDrainageStatus } = temporal.api.enums.v1;

export interface DeploymentVersionView {
  buildId: string;
  /** current, ramping, draining, drained, inactive */
  status: string;
  drainage: string | null;
}

export interface DeploymentView {
  name: string;
  currentBuildId: string | null;
  versions: DeploymentVersionView[];
}

const word = (name: string | undefined, prefix: string): string =>
  (name ?? 'unspecified').replace(prefix, '').toLowerCase();

/** A worker deployment and its versions as the server holds them; null when there is none yet. */
export async function describeDeployment(
  connection: Connection,
  namespace: string,
  name: string,
): Promise<DeploymentView | null> {
  try {
    const { workerDeploymentInfo: info } = await connection.workflowService.describeWorkerDeployment({
      namespace,
      deploymentName: name,
    });
    return {
      name,
      currentBuildId: info?.routingConfig?.currentDeploymentVersion?.buildId || null,
      versions: (info?.versionSummaries ?? []).map((v) => ({
        buildId: v.deploymentVersion?.buildId ?? v.version ?? '?',
        status: word(WorkerDeploymentVersionStatus[v.status ?? 0], 'WORKER_DEPLOYMENT_VERSION_STATUS_'),
        drainage: v.drainageStatus
          ? word(VersionDrainageStatus[v.drainageStatus], 'VERSION_DRAINAGE_STATUS_')
          : null,
      })),
    };
  } catch (err) {
    if ((err as { code?: number }).code === 5) return null; // NOT_FOUND
    throw err;
  }
}

/**
 * Makes a build the deployment's current version: new runs start on it, AUTO_UPGRADE runs move to
 * it at their next task, PINNED runs finish where they began. The server accepts a version only
 * once its workers poll, so this waits (up to `waitMs`) for them to.
 */
export async function setCurrentVersion(
  connection: Connection,
  namespace: string,
  deployment: WorkerDeployment,
  opts: { waitMs?: number; identity?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  for (;;) {
    try {
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: deployment.name,
        buildId: deployment.buildId,
        identity: opts.identity ?? 'domain-reseller',
      });
      return;
    } catch (err) {
      // NOT_FOUND or FAILED_PRECONDITION until the version's pollers have reached the server.
      const code = (err as { code?: number }).code;
      if ((code !== 5 && code !== 9) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
