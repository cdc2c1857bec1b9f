import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { DomainFailures } from './contracts';

/** The failure type an activity failed with (ApplicationFailure.type), unwrapped. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The answer's code an activity's failure carries (`details[0].code`), unwrapped; undefined when none. */
export function failureCode(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const first = cause.details?.[0] as { code?: unknown } | undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}

/** The message of what an activity failed with, unwrapped. */
export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : 'unknown failure';
}

/** Registrar refusals of domain and DNS operations, as the answer the caller gets; null for anything else. */
export function rejection(err: unknown): { code: string; message: string } | null {
  const type = failureType(err);
  if (type === DomainFailures.Unsupported)
    return { code: 'unsupported_capability', message: failureMessage(err) };
  if (type === DomainFailures.RegistrarRejected)
    return { code: 'registrar_rejected', message: failureMessage(err) };
  if (type === DomainFailures.DnsAddonRejected) return { code: 'dns_rejected', message: failureMessage(err) };
  return null;
}
