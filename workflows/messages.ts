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
