// The worker's workflows entry: every workflow (./all), each with its versioning behavior.
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import * as all from './all';
import { VERSIONING_BEHAVIOR } from './versioning';

export * from './all';

// Only a worker in a deployment may name a behavior (an unversioned one, as in `npm run dev`, has
// its workflow task completions refused if it does): the options are read when a run starts on
// a worker, which says then whether it is versioned.
for (const [name, fn] of Object.entries(all)) {
  setWorkflowOptions(
    () =>
      workflowInfo().currentDeploymentVersion?.deploymentName
        ? { versioningBehavior: VERSIONING_BEHAVIOR[name as keyof typeof VERSIONING_BEHAVIOR] }
        : {},
    fn as (...args: never[]) => Promise<unknown>,
  );
}
