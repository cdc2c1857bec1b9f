import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  Acceptance,
  DnsChange,
  DnsChangeResult,
  OrderState,
  PaidSignal,
  TransferAuthCodeSignal,
  TransferCancelSignal,
  WalletPaymentResult,
} from './contracts';

// Wire names are short and never change: running workflows depend on them.
export const acceptanceUpdate = defineUpdate<Acceptance, []>('acceptance');
export const payFromWalletUpdate = defineUpdate<WalletPaymentResult, []>('payFromWallet');
export const paidSignal = defineSignal<[PaidSignal]>('paid');
export const transferAuthCodeSignal = defineSignal<[TransferAuthCodeSignal]>('transferAuthCode');
export const cancelTransferSignal = defineSignal<[TransferCancelSignal]>('cancelTransfer');
/** Look at a flagged transfer again now (it waits for someone to act instead of polling). */
export const checkTransferSignal = defineSignal('checkTransfer');
export const orderStateQuery = defineQuery<OrderState>('orderState');

export const dnsChangeUpdate = defineUpdate<DnsChangeResult, [DnsChange]>('dnsChange');
export const domainChangedSignal = defineSignal('domainChanged');

/** A bulk job: start no more items until resumed (items in flight finish). */
export const pauseBulkJobSignal = defineSignal('pauseBulkJob');
export const resumeBulkJobSignal = defineSignal('resumeBulkJob');
/** A bulk job: finish the items in flight, start no more, mark the rest cancelled. */
export const cancelBulkJobSignal = defineSignal('cancelBulkJob');
