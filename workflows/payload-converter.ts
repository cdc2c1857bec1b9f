import {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  type Payload,
  type PayloadConverterWithEncoding,
  UndefinedPayloadConverter,
} from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';

/*
 * The payload converter of every client and worker (the workflow bundle includes it): the SDK's
 * default chain, and before it one converter for text marked readable (`readable()`). A readable
 * text becomes an ordinary `json/plain` payload with one more metadata entry, `readable`, which
 * the encryption codec (src/temporal/payload-codec.ts) lets through as it is: run summaries and
 * step summaries, which hold no personal data, stay legible in the Temporal UI without the codec.
 * Reading needs nothing special: the payload is plain JSON, decoded by the JSON converter.
 */

export const READABLE_METADATA = 'readable';

/** Marks a text as readable without the codec: only summaries, never personal data. */
export function readable(text: string): string {
  // A String object: the converter below knows it by its class, and it is still a string to use.
  return new String(text) as unknown as string;
}

class ReadableTextConverter implements PayloadConverterWithEncoding {
  // The JSON converter comes later in the chain and takes this encoding back for reading.
  readonly encodingType = 'json/plain';

  toPayload(value: unknown): Payload | undefined {
    if (!(value instanceof String)) return undefined;
    return {
      metadata: { encoding: encode('json/plain'), [READABLE_METADATA]: encode('1') },
      data: encode(JSON.stringify(value.valueOf())),
    };
  }

  fromPayload<T>(payload: Payload): T {
    return JSON.parse(decode(payload.data ?? new Uint8Array())) as T;
  }
}

export const payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new ReadableTextConverter(),
  new BinaryPayloadConverter(),
  new JsonPayloadConverter(),
);
