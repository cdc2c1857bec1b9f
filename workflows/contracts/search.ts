/** The search attributes every run carries (the Temporal UI filters and lists by them). Workflow-safe: no Node built-ins. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ResellerIdAttr = defineSearchAttributeKey('ResellerId', SearchAttributeType.KEYWORD);
export const DomainNameAttr = defineSearchAttributeKey('DomainName', SearchAttributeType.KEYWORD);
export const OrderIdAttr = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const OrderStatusAttr = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
/** Each run's one-line summary (workflows/summaries.ts), for the Temporal UI's workflow list. */
export const RunSummaryAttr = defineSearchAttributeKey('RunSummary', SearchAttributeType.KEYWORD);

/** Every custom search attribute the project needs registered on the namespace. */
export const SEARCH_ATTRIBUTES = [
  ResellerIdAttr,
  DomainNameAttr,
  OrderIdAttr,
  OrderStatusAttr,
  RunSummaryAttr,
] as const;
