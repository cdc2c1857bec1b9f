// Every workflow the worker runs. The exported function name is the workflow type stored in
// history and used by schedules: renaming one is a breaking change.
export { bulkJobWorkflow } from './bulk';
export { contactPushWorkflow } from './contacts';
export { dnsZoneWorkflow } from './dns';
export { domainReconcileWorkflow } from './domain-reconcile';
export { domainOperationWorkflow } from './domains';
export { dataExportWorkflow } from './exports';
export { orderWorkflow } from './order';
export { latePaymentWorkflow, topupWorkflow } from './payments';
export { pingWorkflow } from './ping';
export { expiryRemindersWorkflow } from './reminders';
export { apiLogRetentionWorkflow } from './retention';
export { billingReviewWorkflow } from './reviews';
export { webhookDeliveryWorkflow, webhookTestWorkflow } from './webhooks';
