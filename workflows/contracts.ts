/**
 * Names shared by the API, the worker and the workflows: the task queue, workflow IDs,
 * search attributes, and workflow inputs and outputs. Workflow-safe: no Node built-ins.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TASK_QUEUE = 'domain-reseller';

export const ResellerIdAttr = defineSearchAttributeKey('ResellerId', SearchAttributeType.KEYWORD);
export const DomainNameAttr = defineSearchAttributeKey('DomainName', SearchAttributeType.KEYWORD);
export const OrderIdAttr = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const OrderStatusAttr = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);

/** Every custom search attribute the project needs registered on the namespace. */
export const SEARCH_ATTRIBUTES = [ResellerIdAttr, DomainNameAttr, OrderIdAttr, OrderStatusAttr] as const;

export interface PingInput {
  message: string;
}

export interface PingResult {
  message: string;
  /** Postgres' clock as the worker's activity saw it: proves worker → database works. */
  databaseTime: string;
  workflowId: string;
}

export const pingWorkflowId = (nonce: string): string => `ping:${nonce}`;
