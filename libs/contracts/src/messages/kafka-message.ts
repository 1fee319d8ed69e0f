/** A message as a codec encodes it: key, value and UTF-8 string headers (what the hub's producers send). */
export interface EncodedMessage {
  key: string | null;
  value: Buffer | string | null;
  headers: Record<string, string>;
}

/** A message as a codec decodes it (a consumed Kafka message with its headers decoded to strings). */
export interface ReceivedMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers: Record<string, string | undefined>;
  /** Kafka's timestamp of the message, epoch milliseconds as text. */
  timestamp?: string;
}
