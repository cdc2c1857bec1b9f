// Every workflow the worker runs. The exported function name is the workflow type stored in
// history and used by schedules: renaming one is a breaking change.
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import { dnsZoneWorkflow } from './dns';
import { domainOperationWorkflow } from './domains';
import { orderWorkflow } from './order';
import { latePaymentWorkflow, topupWorkflow } from './payments';
import { pingWorkflow } from './ping';
import { expiryRemindersWorkflow } from './reminders';
import { apiLogRetentionWorkflow } from './retention';
import { billingReviewWorkflow } from './reviews';
import { VERSIONING_BEHAVIOR } from './versioning';
import { webhookDeliveryWorkflow, webhookTestWorkflow } from './webhooks';

export {
  apiLogRetentionWorkflow,
  billingReviewWorkflow,
  dnsZoneWorkflow,
  domainOperationWorkflow,
  expiryRemindersWorkflow,
  latePaymentWorkflow,
  orderWorkflow,
  pingWorkflow,
  topupWorkflow,
  webhookDeliveryWorkflow,
  webhookTestWorkflow,
};

// Each workflow type's versioning behavior (workflows/versioning.ts: why each is what it is).
const WORKFLOWS = {
  apiLogRetentionWorkflow,
  billingReviewWorkflow,
  dnsZoneWorkflow,
  domainOperationWorkflow,
  expiryRemindersWorkflow,
  latePaymentWorkflow,
  orderWorkflow,
  pingWorkflow,
  topupWorkflow,
  webhookDeliveryWorkflow,
  webhookTestWorkflow,
} satisfies Record<keyof typeof VERSIONING_BEHAVIOR, unknown>;

// Only a worker in a deployment may name a behavior (an unversioned one, as in `npm run dev`, has
// its workflow task completions refused if it does): the options are read when a run starts on
// a worker, which says then whether it is versioned.
for (const [name, fn] of Object.entries(WORKFLOWS)) {
  setWorkflowOptions(
    () =>
      workflowInfo().currentDeploymentVersion?.deploymentName
        ? { versioningBehavior: VERSIONING_BEHAVIOR[name as keyof typeof VERSIONING_BEHAVIOR] }
        : {},
    fn as (...args: never[]) => Promise<unknown>,
  );
}
