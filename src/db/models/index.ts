export { ApiCredential, type CredentialKind } from './api-credential';
export { ApiLog } from './api-log';
export { AuditEvent } from './audit-event';
export { Domain } from './domain';
export { Reseller, type ResellerRole, type ResellerStatus } from './reseller';
